/**
 * How far apart the pending and the booked version of one line may be dated. A card authorisation is dated the day
 * it is made and books one to five days later (clearing), a weekend or a bank holiday adds up to two; the booked line
 * may also carry a value date a day or two before the pending line's date (value date vs booking date, time zones).
 */
import { addDays, dayNumber } from '../../../common/dates';
import type { IsoDate } from '../../../providers/types';

/** The booked line may be dated up to this many days after its pending version: five days of clearing, a weekend. */
export const SETTLES_LATE_DAYS = 7;
/** ...and up to this many days before it (a back-dated value date). */
export const SETTLES_EARLY_DAYS = 2;

export interface DatedLine {
  date: IsoDate;
  bookingDate?: IsoDate;
  valueDate?: IsoDate;
}

function datesOf(line: DatedLine): IsoDate[] {
  return [line.date, line.bookingDate, line.valueDate].filter((d): d is IsoDate => typeof d === 'string');
}

/**
 * The smallest distance in days between any date of the pending line and any date of the booked one that falls in
 * the settlement tolerance, or undefined when none does. Every date is tried because banks disagree on which one a
 * pending line carries (Berlin Group: the value date; STET: the transaction date or the expected booking date).
 */
export function settlementGapDays(pending: DatedLine, booked: DatedLine): number | undefined {
  let best: number | undefined;
  for (const p of datesOf(pending)) {
    for (const b of datesOf(booked)) {
      const gap = dayNumber(b) - dayNumber(p);
      if (gap < -SETTLES_EARLY_DAYS || gap > SETTLES_LATE_DAYS) continue;
      if (best === undefined || Math.abs(gap) < best) best = Math.abs(gap);
    }
  }
  return best;
}

/**
 * The earliest date of the stored lines the engine should hand to `diffFeed` for a sync window starting at `from`:
 * a pending line dated just before the window can book inside it, and must be there to be matched (lines outside the
 * window are matched, never removed).
 */
export function storedLinesSince(from: IsoDate): IsoDate {
  return addDays(from, -SETTLES_LATE_DAYS);
}
