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
  return nameA !== null && nameA.core === normalizeName(b.counterpartyName)?.core;
}

/** What to do with each credit that cannot simply be matched, by transaction id (absent: match normally). */
export function screenFeed(lines: readonly BankCredit[]): Map<string, Screening> {
  const screening = new Map<string, Screening>();
  const credits = lines.filter((line) => toCents(line.amount) > 0n);
  const booked = new Set(credits.filter((credit) => credit.status === 'BOOKED').map(fingerprint));
  for (const credit of credits) {
    if (credit.status !== 'BOOKED') screening.set(credit.id, booked.has(fingerprint(credit)) ? 'PENDING_DUPLICATE' : 'PENDING');
  }

  const byAmount = new Map<string, BankCredit[]>();
  for (const credit of credits) {
    const key = `${toCents(credit.amount)}|${credit.currency}`;
    byAmount.set(key, [...(byAmount.get(key) ?? []), credit]);
  }
  const debits = lines
    .filter((line) => toCents(line.amount) < 0n)
    .sort((a, b) => dayNumber(a.bookingDate) - dayNumber(b.bookingDate) || (a.id < b.id ? -1 : 1));
  for (const debit of debits) {
    const day = dayNumber(debit.bookingDate);
    // Each return cancels one credit: the latest one it can answer.
    const returned = (byAmount.get(`${-toCents(debit.amount)}|${debit.currency}`) ?? [])
      .filter((credit) => {
        const creditDay = dayNumber(credit.bookingDate);
        return creditDay <= day && day - creditDay <= RETURN_WINDOW_DAYS && !screening.has(credit.id);
      })
      .filter((credit) => sameCounterparty(credit, debit))
      .sort((a, b) => dayNumber(b.bookingDate) - dayNumber(a.bookingDate) || (a.id < b.id ? 1 : -1))[0];
    if (returned) screening.set(returned.id, 'REVERSED');
  }
  return screening;
}
