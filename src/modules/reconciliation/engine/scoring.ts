/**
 * Evidence points. Each signal adds points roughly in proportion to how much more likely it makes the link than
 * chance: an amount equal to the cent and a reference as printed are each strong; a payer's name is good; a typo'd
 * or check-failing reference is weak. The score is the points over `MAX_POINTS`, capped at 1.
 */
export const MAX_POINTS = 12;
/** Below this, a candidate is noise and is not even suggested. */
export const MIN_PROPOSAL_POINTS = 6;
/** Two candidates closer than this are a tie, and a tie is never auto-confirmed. */
export const TIE_MARGIN = 1;

export const AMOUNT_POINTS = {
  equal: 6,
  groupSum: 6,
  groupSumWithoutReference: 5,
  withinTolerance: 4.5,
  /** Unquoted, only bank charges (the absolute tolerance) count, and as a near miss rather than a match. */
  withinToleranceWithoutReference: 3,
  /** Only counted with a decisive reference: a partial amount alone says nothing. */
  partial: 2,
  /** A part payment of the payer's own invoice quoted with one digit wrong. */
  partialOfMistyped: 1,
  exceeds: 2,
} as const;

export const DATE_POINTS = { plausible: 0.5, beforeIssue: -3 } as const;
/** Payments this long before the invoice date are not for that invoice (advance payments come with a reference). */
export const EARLY_PAYMENT_DAYS = 30;
/** Payments this long after the due date are still plausible (late payers), beyond it only less so. */
export const LATE_PAYMENT_DAYS = 365;

export const PAYOUT_POINTS = {
  reference: 6,
  amountAndDate: 4,
  itemInvoiceNumber: 6,
  itemCustomerAndAmount: 4,
  itemAmount: 2,
} as const;

export function scoreOf(points: number): number {
  return Math.round((Math.max(0, Math.min(points, MAX_POINTS)) / MAX_POINTS) * 1000) / 1000;
}
