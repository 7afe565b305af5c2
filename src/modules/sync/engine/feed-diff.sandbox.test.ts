/**
 * The sandbox banks' ledger, read the way the Berlin Group adapter normalizes it, synced twice a day for three weeks
 * with an overlapping window: card authorisations book a day or two later, half of them under a new id; supplier
 * transfers and salaries show pending first and keep their id.
 */
import { SANDBOX_BANKS } from '../../../sandbox/banks';
import { Ledger, type VisibleEntry } from '../../../sandbox/ledger';
import { SANDBOX_PSUS } from '../../../sandbox/seed-data';
import type { ProviderTransaction } from '../../../providers/types';
import type { FeedChange, MatchedBy, StoredTransaction } from './feed-diff';
import { sequentialIds, sync } from '../../../../test/support/feed-diff-lines';
import { addDays } from '../../../common/dates';
import { storedLinesSince } from './settlement-window';

const START = new Date('2026-11-02T05:00:00Z');
const OVERLAP_DAYS = 10;
const HALF_DAY_MS = 43_200_000;

/** As `transactionFromBg` sees the sandbox's JSON: a pending line has no booking date and is dated by its value date. */
function asBankSends(visible: VisibleEntry): ProviderTransaction {
  const { entry, status, id } = visible;
  const booked = status === 'booked';
  return {
    providerTransactionId: id,
    amount: { amount: entry.amount.toFixed(2), currency: 'EUR' },
    status: booked ? 'BOOKED' : 'PENDING',
    ...(booked ? { bookingDate: entry.bookingDate, entryReference: entry.id } : {}),
    valueDate: entry.valueDate,
    date: booked ? entry.bookingDate : entry.valueDate,
    ...(entry.counterpartyName ? { counterparty: { name: entry.counterpartyName, iban: entry.counterpartyIban } } : {}),
    remittanceUnstructured: entry.remittanceUnstructured,
    endToEndId: entry.endToEndId,
    bankTransactionCode: entry.bankTransactionCode,
    merchantCategoryCode: entry.merchantCategoryCode,
  };
}

describe('syncing the sandbox banks twice a day', () => {
  it('keeps one line per payment under one Passerelle id from authorisation to booking, and loses none', () => {
    let clock = START;
    const ledger = new Ledger('feed-diff', () => clock);
    const accounts = SANDBOX_BANKS.flatMap((bank) =>
      SANDBOX_PSUS.flatMap((psu) => ledger.accountsOf(bank.slug, psu.id)),
    );
    const newId = sequentialIds();
    const stores = new Map<string, StoredTransaction[]>(accounts.map((account) => [account.resourceId, []]));
    const passerelleIdOfEntry = new Map<string, string>();
    const seen: Record<FeedChange['kind'], number> = { ADDED: 0, SETTLED: 0, MODIFIED: 0, REMOVED: 0 };
    const settledBy: Record<MatchedBy, number> = { BANK_ID: 0, FINGERPRINT: 0, SAME_PAYEE: 0 };

    for (let round = 0; round < 42; round += 1, clock = new Date(clock.getTime() + HALF_DAY_MS)) {
      const to = clock.toISOString().slice(0, 10);
      const window = { from: addDays(to, -OVERLAP_DAYS), to };
      for (const account of accounts) {
        const visible = ledger.entries(account).filter((v) => v.date >= window.from && v.date <= window.to);
        const entryOfBankId = new Map(visible.map((v) => [v.id, v.entry.id]));
        const all = stores.get(account.resourceId) ?? [];
        const loaded = all.filter((line) => line.date >= storedLinesSince(window.from));
        const { diff, after } = sync(loaded, visible.map(asBankSends), window, newId);
        for (const change of diff.changes) {
          seen[change.kind] += 1;
          if (change.kind === 'SETTLED') settledBy[change.matchedBy] += 1;
        }
        expect(diff.changes.filter((c) => c.kind === 'REMOVED')).toEqual([]);

        const current = [...all.filter((line) => !loaded.includes(line)), ...after];
        stores.set(account.resourceId, current);
        const inWindow = after.filter((line) => entryOfBankId.has(line.providerTransactionId));
        expect(inWindow).toHaveLength(visible.length);
        const entries = inWindow.map((line) => entryOfBankId.get(line.providerTransactionId));
        expect(new Set(entries).size).toBe(entries.length);
        for (const line of inWindow) {
          const entry = entryOfBankId.get(line.providerTransactionId) as string;
          const earlier = passerelleIdOfEntry.get(entry);
          if (earlier) expect(line.id).toBe(earlier);
          else passerelleIdOfEntry.set(entry, line.id);
        }
      }
    }
    // Cards book under a new id half of the time in the sandbox, as with real card schemes.
    expect(settledBy).toEqual({ BANK_ID: expect.any(Number), FINGERPRINT: expect.any(Number), SAME_PAYEE: 0 });
    expect(Math.min(settledBy.BANK_ID, settledBy.FINGERPRINT)).toBeGreaterThan(10);
    expect(seen.MODIFIED).toBe(0);
  });
});
