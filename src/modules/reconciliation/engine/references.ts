/**
 * Finds the invoices a credit's texts refer to, and how strongly. Each hit is graded; only the first three grades
 * (a verified structured reference, the number as printed, the number with look-alikes read as digits) are decisive
 * enough for auto-confirmation. A near miss (one digit off) or a structured reference whose check fails is evidence
 * for the invoices it resembles, never proof: the typo may name a different invoice.
 */
import type { IndexedInvoice, InvoiceIndex } from './invoice-index';
import { digitRuns, foldLookAlikes, readReferenceText, type TextUnit } from './reference-text';
import { isValidOgm, isValidRf } from './structured-reference';
import type { SignalKind } from './types';

export type ReferenceKind = Extract<
  SignalKind,
  | 'STRUCTURED_REFERENCE'
  | 'REFERENCE_EXACT'
  | 'REFERENCE_NORMALIZED'
  | 'REFERENCE_DIGITS'
  | 'REFERENCE_NEAR'
  | 'REFERENCE_CHECK_FAILED'
>;

export const REFERENCE_POINTS: Record<ReferenceKind, number> = {
  STRUCTURED_REFERENCE: 6,
  REFERENCE_EXACT: 5,
  REFERENCE_NORMALIZED: 4.5,
  REFERENCE_DIGITS: 3.5,
  REFERENCE_NEAR: 2,
  REFERENCE_CHECK_FAILED: 2,
};

const DECISIVE = new Set<ReferenceKind>(['STRUCTURED_REFERENCE', 'REFERENCE_EXACT', 'REFERENCE_NORMALIZED']);

export function isDecisive(kind: ReferenceKind): boolean {
  return DECISIVE.has(kind);
}

export interface ReferenceHit {
  invoice: number;
  kind: ReferenceKind;
  /** The text that produced the hit, for the signal's detail. */
  text: string;
}

/** Digit runs shorter than this are dates, counters and house numbers far more often than invoice numbers. */
const MIN_DIGITS_ALONE = 4;

class HitCollector {
  readonly hits = new Map<number, ReferenceHit>();

  add(invoice: number, kind: ReferenceKind, text: string): void {
    const current = this.hits.get(invoice);
    if (!current || REFERENCE_POINTS[kind] > REFERENCE_POINTS[current.kind])
      this.hits.set(invoice, { invoice, kind, text });
  }
}

/** A digit run of the credit's text that may be a mistyped invoice number, with the token it sits in. */
export interface NumberRun {
  digits: string;
  unit: TextUnit;
}

function matchNumberUnit(index: InvoiceIndex, unit: TextUnit, hits: HitCollector, runs: NumberRun[] | null): void {
  for (const invoice of index.byNumberKey(unit.folded)) {
    const kind = index.invoices[invoice].numberCompact === unit.compact ? 'REFERENCE_EXACT' : 'REFERENCE_NORMALIZED';
    hits.add(invoice, kind, unit.compact);
  }
  for (const run of digitRuns(unit.folded)) {
    for (const invoice of index.byDigits(run)) {
      const candidate = index.invoices[invoice];
      const prefix = candidate.numberFolded.slice(0, candidate.numberFolded.length - candidate.numberDigits.length);
      if (unit.folded.includes(candidate.numberFolded)) {
        hits.add(
          invoice,
          unit.compact.includes(candidate.numberCompact) ? 'REFERENCE_EXACT' : 'REFERENCE_NORMALIZED',
          unit.compact,
        );
      } else if (prefix !== '' && unit.folded.includes(prefix + run)) {
        // The same number with its padding zeros dropped or added ("INV-356" for INV-000356).
        hits.add(invoice, 'REFERENCE_NORMALIZED', unit.compact);
      } else if (run === candidate.numberDigits && run.length >= MIN_DIGITS_ALONE) {
        hits.add(invoice, 'REFERENCE_DIGITS', unit.compact);
      }
    }
    if (runs && run.length >= MIN_DIGITS_ALONE) runs.push({ digits: run, unit });
  }
}

/** Same length, and one substituted digit or two adjacent digits swapped. */
function oneDigitApart(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] === b[i]) continue;
    if (count === 0) first = i;
    count += 1;
    if (count > 2) return false;
  }
  if (count === 1) return true;
  return count === 2 && a[first] === b[first + 1] && a[first + 1] === b[first];
}

/**
 * Whether the credit's text names `invoice` with one digit wrong ("INV-000564" for INV-000563). Asked only of
 * invoices the amount or the payer already point to: with dense numbering, every number has dozens of one-digit
 * neighbours, and a typo is only worth considering where other evidence agrees.
 */
export function nearReference(invoice: IndexedInvoice, runs: readonly NumberRun[]): ReferenceHit | null {
  for (const run of runs) {
    if (!oneDigitApart(run.digits, invoice.numberDigits)) continue;
    // The prefix must agree too: "INV-000564" is near "INV-000563", not near "F-000563".
    const prefix = invoice.numberFolded.slice(0, invoice.numberFolded.length - invoice.numberDigits.length);
    if (prefix === '' || run.unit.folded.includes(prefix + run.digits)) {
      return { invoice: invoice.index, kind: 'REFERENCE_NEAR', text: run.unit.compact };
    }
  }
  return null;
}

function matchRf(index: InvoiceIndex, reading: string, hits: HitCollector): boolean {
  if (isValidRf(reading)) {
    const found = index.byStructuredKey(reading);
    for (const invoice of found) hits.add(invoice, 'STRUCTURED_REFERENCE', reading);
    // A valid RF nobody issued may still carry an invoice number in its body (the invoice just lacks the RF).
    if (found.length === 0)
      matchNumberUnit(index, { compact: reading.slice(4), folded: foldLookAlikes(reading.slice(4)) }, hits, null);
    return true;
  }
  const folded = 'RF' + foldLookAlikes(reading.slice(2));
  if (folded !== reading && isValidRf(folded) && index.byStructuredKey(folded).length > 0) {
    for (const invoice of index.byStructuredKey(folded)) hits.add(invoice, 'REFERENCE_NORMALIZED', reading);
    return true;
  }
  return false;
}

/**
 * A failed RF: every issued RF one digit away, and any invoice its body names, are weak candidates; its body's
 * digits may still be a mistyped invoice number.
 */
function matchFailedRf(index: InvoiceIndex, reading: string, hits: HitCollector, runs: NumberRun[]): void {
  const body = reading.slice(4);
  const weak = new HitCollector();
  matchNumberUnit(index, { compact: body, folded: foldLookAlikes(body) }, weak, runs);
  for (const hit of weak.hits.values()) hits.add(hit.invoice, 'REFERENCE_CHECK_FAILED', reading);
  for (let i = 2; i < reading.length; i += 1) {
    for (let d = 0; d <= 9; d += 1) {
      const variant = reading.slice(0, i) + String(d) + reading.slice(i + 1);
      if (variant === reading) continue;
      for (const invoice of index.byStructuredKey(variant)) hits.add(invoice, 'REFERENCE_CHECK_FAILED', reading);
    }
  }
}

function matchOgm(index: InvoiceIndex, digits: string, hits: HitCollector): void {
  if (isValidOgm(digits)) {
    for (const invoice of index.byStructuredKey(digits)) hits.add(invoice, 'STRUCTURED_REFERENCE', digits);
    return;
  }
  for (let i = 0; i < digits.length; i += 1) {
    for (let d = 0; d <= 9; d += 1) {
      const variant = digits.slice(0, i) + String(d) + digits.slice(i + 1);
      if (variant === digits) continue;
      for (const invoice of index.byStructuredKey(variant)) hits.add(invoice, 'REFERENCE_CHECK_FAILED', digits);
    }
  }
}

export interface References {
  hits: ReferenceHit[];
  /** Digit runs that may be mistyped invoice numbers, for `nearReference`. */
  runs: NumberRun[];
}

/** The invoices `texts` refer to, each with the strongest grade found. */
export function findReferences(index: InvoiceIndex, texts: readonly string[]): References {
  const hits = new HitCollector();
  const runs: NumberRun[] = [];
  for (const text of texts) {
    const read = readReferenceText(text);
    for (const unit of read.tokens) matchNumberUnit(index, unit, hits, runs);
    for (const unit of read.pairs) matchNumberUnit(index, unit, hits, null);
    for (const readings of read.rfReadings) {
      // A reading that checks is the reference; only when none of an RF's readings checks is it damaged.
      const valid = readings.filter((reading) => matchRf(index, reading, hits));
      if (valid.length === 0) for (const reading of readings) matchFailedRf(index, reading, hits, runs);
    }
    for (const digits of read.ogmCandidates) matchOgm(index, digits, hits);
  }
  return { hits: [...hits.hits.values()], runs };
}
