/**
 * Creditor references with check digits. A reference is verified, not just searched for: a payer who mistypes one
 * digit usually produces a reference whose check fails, and that must never be read as the invoice it resembles.
 *
 * - ISO 11649 creditor reference: `RF` + 2 check digits + 1..21 alphanumerics. Valid when the reference, with its
 *   first four characters moved to the end and letters replaced by 10..35, is 1 mod 97 (ISO 7064 MOD 97-10).
 * - Belgian OGM/VCS ("communication structurée"): 12 digits printed `+++123/4567/89002+++`; the last two are the
 *   first ten mod 97, with 97 standing for 0.
 */

/** Remainder of a long alphanumeric string read as ISO 7064 digits (A=10 .. Z=35), chunked to stay exact. */
function mod97(value: string): number {
  let remainder = 0;
  for (const char of value) {
    const code = char.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

const RF_SHAPE = /^RF\d{2}[0-9A-Z]{1,21}$/;

export function compactReference(value: string): string {
  return value.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export function isRfShaped(compact: string): boolean {
  return RF_SHAPE.test(compact);
}

export function isValidRf(reference: string): boolean {
  const compact = compactReference(reference);
  if (!RF_SHAPE.test(compact)) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/** Builds the RF reference for a creditor's own reference body (what an invoicing tool prints). */
export function makeRf(body: string): string {
  const compact = compactReference(body);
  const check = 98 - mod97(`${compact}RF00`);
  return `RF${String(check).padStart(2, '0')}${compact}`;
}

const OGM_SHAPE = /^\d{12}$/;

/** The 12 digits of an OGM/VCS written with or without its `+++`/`***` frame and slashes, else null. */
export function ogmDigits(value: string): string | null {
  const digits = value.replace(/[+*/\s.]/g, '');
  return OGM_SHAPE.test(digits) ? digits : null;
}

export function isValidOgm(value: string): boolean {
  const digits = ogmDigits(value);
  if (!digits) return false;
  const check = Number(BigInt(digits.slice(0, 10)) % 97n) || 97;
  return check === Number(digits.slice(10));
}

export function makeOgm(base10: string): string {
  if (!/^\d{10}$/.test(base10)) throw new RangeError('an OGM/VCS base is 10 digits');
  const check = String(Number(BigInt(base10) % 97n) || 97).padStart(2, '0');
  const digits = base10 + check;
  return `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7)}+++`;
}

export type StructuredKind = 'RF' | 'OGM';

/** The canonical key of an invoice's printed structured reference, or null when it is neither RF nor OGM. */
export function structuredKey(value: string): { kind: StructuredKind; key: string } | null {
  const compact = compactReference(value);
  if (RF_SHAPE.test(compact)) return { kind: 'RF', key: compact };
  const digits = ogmDigits(value);
  return digits ? { kind: 'OGM', key: digits } : null;
}
