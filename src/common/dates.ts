/** Calendar arithmetic on ISO dates (`YYYY-MM-DD`), in UTC: a PSD2 booking date has no time zone. */

export const DAY_MS = 86_400_000;

/** The calendar date of an instant, in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Days since 1970-01-01, so that date rules are integer comparisons. Throws on anything that is not an ISO date. */
export function dayNumber(date: string): number {
  const time = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(time)) throw new RangeError(`not an ISO date: "${date}"`);
  return time / DAY_MS;
}

/** The date `days` later (earlier when negative). */
export function addDays(date: string, days: number): string {
  return isoDate(new Date((dayNumber(date) + days) * DAY_MS));
}
