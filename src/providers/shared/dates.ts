import { ProviderError, type IsoDate } from '../types';

const isoDatePrefix = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
/** BNP Paribas sends `referenceDate: "15/11/2019"` (recorded STET stub): the French day-first form. */
const frenchDate = /^(\d{2})\/(\d{2})\/(\d{4})$/;

function valid(year: string, month: string, day: string): IsoDate | undefined {
  const iso = `${year}-${month}-${day}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : undefined;
}

/**
 * A calendar date from what a bank sends: `YYYY-MM-DD`, an ISO date-time (its calendar date as written, since STET
 * 1.5 declares dates as date-time) or `DD/MM/YYYY`. Empty text is no date (BNP sends `transactionDate: ""`);
 * anything else is a malformed response, never a guessed date.
 */
export function toIsoDate(value: string | null | undefined, field: string): IsoDate | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const text = value.trim();
  const iso = isoDatePrefix.exec(text);
  const french = iso ? undefined : frenchDate.exec(text);
  const date = iso ? valid(iso[1]!, iso[2]!, iso[3]!) : french ? valid(french[3]!, french[2]!, french[1]!) : undefined;
  if (!date) throw new ProviderError('MALFORMED_RESPONSE', `${field} is not a date: ${JSON.stringify(value)}`);
  return date;
}

/** The day after an ISO date: turns an inclusive end date into an exclusive one. */
export function nextDay(date: IsoDate): IsoDate {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
