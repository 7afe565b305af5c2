/**
 * Exact money arithmetic in integer minor units. Amounts arrive as decimal strings; a float would turn 0.1 + 0.2
 * into a reconciliation error, so nothing here ever holds money in a `number`.
 */
import Decimal from 'decimal.js';

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string into cents. Throws when it is not a decimal or carries sub-cent precision. */
export function toCents(value: string): bigint {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal amount: "${value}"`);
  const [, sign, units, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) throw new RangeError(`amount has sub-cent precision: "${value}"`);
  const cents = BigInt(units) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}

export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const magnitude = negative ? -cents : cents;
  const units = magnitude / 100n;
  const fraction = (magnitude % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${units}.${fraction}`;
}

/** `ratio` × `cents`, rounded down to the cent: a tolerance never grows by rounding. */
export function centsTimesRatio(cents: bigint, ratio: string): bigint {
  return BigInt(new Decimal(cents.toString()).times(ratio).floor().toFixed(0));
}
