import Decimal from 'decimal.js';
import { z } from 'zod';
import type { DecimalString } from '../types';

/** A decimal amount as text: `12`, `-12.5`, `0.01`. JSON numbers are accepted as their shortest text, never summed. */
const decimalText = /^-?\d+(\.\d+)?$/;

/**
 * An amount as banks send it: a decimal string (Berlin Group `amountValue`, most STET banks) or a JSON number (STET
 * 1.5 declares `number`, Boursorama sends one). A number is only re-read from its shortest text form.
 */
export const rawAmount = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!decimalText.test(text)) {
    ctx.addIssue({ code: 'custom', message: `not a decimal amount: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return text;
});

/** Canonical decimal text: no exponent, no leading `+`, `-0` as `0`. */
export function canonical(amount: string): DecimalString {
  const value = new Decimal(amount);
  return value.isZero() ? '0' : value.toFixed();
}

export function negate(amount: DecimalString): DecimalString {
  return canonical(new Decimal(amount).negated().toFixed());
}

export function absolute(amount: DecimalString): DecimalString {
  return canonical(new Decimal(amount).abs().toFixed());
}

export function isNegative(amount: DecimalString): boolean {
  return new Decimal(amount).isNegative() && !new Decimal(amount).isZero();
}
