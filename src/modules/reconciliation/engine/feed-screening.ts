/**
 * Lines of a bank feed that must not be matched as they stand:
 * - a pending credit whose booked twin is in the same feed (banks re-issue the line under another id when it
 *   books, so matching both would link the same money twice); a pending credit without a twin may be matched,
 *   but only as a suggestion, since it can still disappear;
 * - a credit sent back: SEPA returns and recalls (and refunds of the whole amount) appear as a debit of the same
 *   amount to the same counterparty shortly after; the money never stayed, so no invoice is paid.
 */
import { dayNumber } from './calendar';
import { normalizeIban } from './invoice-index';
import { toCents } from './money';
import { normalizeName } from './party-name';
import type { BankCredit } from './types';

/** SEPA returns arrive within days; a refund of the whole amount within two weeks is the same story. */
const RETURN_WINDOW_DAYS = 15;
const NOT_PROVIDED = 'NOTPROVIDED';

export type Screening = 'PENDING_DUPLICATE' | 'PENDING' | 'REVERSED';

function fingerprint(credit: BankCredit): string {
  const remittance = (credit.remittanceUnstructured ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '');
  const name = normalizeName(credit.counterpartyName)?.full ?? '';
  return [toCents(credit.amount), credit.currency, name, remittance].join('|');
}

function sameCounterparty(a: BankCredit, b: BankCredit): boolean {
  const ibanA = normalizeIban(a.counterpartyIban);
  if (ibanA && ibanA === normalizeIban(b.counterpartyIban)) return true;
  const e2e = a.endToEndId?.toUpperCase();
  if (e2e && e2e !== NOT_PROVIDED && e2e === b.endToEndId?.toUpperCase()) return true;
  const nameA = normalizeName(a.counterpartyName);
  return nameA !== null && nameA.key === normalizeName(b.counterpartyName)?.key;
}

interface Line {
  line: BankCredit;
  cents: bigint;
  day: number;
}

/** What to do with each credit that cannot simply be matched, by transaction id (absent: match normally). */
export function screenFeed(feed: readonly BankCredit[]): Map<string, Screening> {
  const screening = new Map<string, Screening>();
  const lines: Line[] = feed.map((line) => ({ line, cents: toCents(line.amount), day: dayNumber(line.bookingDate) }));
  const credits = lines.filter((entry) => entry.cents > 0n);
  const pending = credits.filter((entry) => entry.line.status !== 'BOOKED');
  if (pending.length > 0) {
    const booked = new Set(
      credits.filter((entry) => entry.line.status === 'BOOKED').map((entry) => fingerprint(entry.line)),
    );
    for (const { line } of pending)
      screening.set(line.id, booked.has(fingerprint(line)) ? 'PENDING_DUPLICATE' : 'PENDING');
  }

  const byAmount = new Map<string, Line[]>();
  for (const credit of credits) {
    const key = `${credit.cents}|${credit.line.currency}`;
    const list = byAmount.get(key);
    if (list) list.push(credit);
    else byAmount.set(key, [credit]);
  }
  const debits = lines
    .filter((entry) => entry.cents < 0n && byAmount.has(`${-entry.cents}|${entry.line.currency}`))
    .sort((a, b) => a.day - b.day || (a.line.id < b.line.id ? -1 : 1));
  for (const debit of debits) {
    // Each return cancels one credit: the latest one it can answer.
    const returned = (byAmount.get(`${-debit.cents}|${debit.line.currency}`) ?? [])
      .filter(
        (credit) =>
          credit.day <= debit.day &&
          debit.day - credit.day <= RETURN_WINDOW_DAYS &&
          !screening.has(credit.line.id) &&
          sameCounterparty(credit.line, debit.line),
      )
      .sort((a, b) => b.day - a.day || (a.line.id < b.line.id ? 1 : -1))[0];
    if (returned) screening.set(returned.line.id, 'REVERSED');
  }
  return screening;
}
