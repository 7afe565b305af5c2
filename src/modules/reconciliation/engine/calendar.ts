/** Calendar dates as whole day numbers, so date rules are integer comparisons. */
import { DAY_MS } from '../../../common/dates';
import type { IsoDate } from '../../../providers/types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

export function dayNumber(date: IsoDate): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`not an ISO date: "${date}"`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}
