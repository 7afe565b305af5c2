/**
 * Random account histories synced twice: a first feed where some card payments are still authorisations, then a
 * later feed where they booked (under the same id or a new one, some with a tip), stayed pending or were released.
 * Amounts, payees and days come from small sets so that identical twins (two coffees) are frequent.
 */
import fc from 'fast-check';
import type { ProviderTransaction } from '../../../providers/types';
import type { FeedChange, StoredTransaction } from './feed-diff';
import { WINDOW, sequentialIds, sync } from '../../../../test/support/feed-diff-lines';
import { addDays } from '../../../common/dates';

const PAYEES = [
  { name: 'Café de la Gare' },
  { name: 'Fournil Sarl', iban: 'FR7630006000011234567890189' },
  { name: 'TotalEnergies Station' },
  undefined,
];
const AMOUNTS = ['-3.50', '-3.5', '-12.00', '-40.00', '250.00'];
const TIPPED: Record<string, string> = {
  '-3.50': '-4.00',
  '-3.5': '-4.00',
  '-12.00': '-13.20',
  '-40.00': '-46.00',
  '250.00': '250.00',
};

type Life = 'BOOKED_ALREADY' | 'BOOKS' | 'STAYS_PENDING' | 'RELEASED';

interface Payment {
  amount: string;
  payee: number;
  day: number;
  bookDelay: number;
  life: Life;
  keepsId: boolean;
  /** The bank gives no id: the adapter derives one from the fields, the same for identical twins. */
  derivedId: boolean;
  tip: boolean;
}

const paymentArbitrary = (tips: boolean): fc.Arbitrary<Payment> =>
  fc.record({
    amount: fc.constantFrom(...AMOUNTS),
    payee: fc.nat({ max: PAYEES.length - 1 }),
    day: fc.nat({ max: 14 }),
    bookDelay: fc.integer({ min: 1, max: 5 }),
    life: fc.constantFrom<Life>('BOOKED_ALREADY', 'BOOKS', 'STAYS_PENDING', 'RELEASED'),
    keepsId: fc.boolean(),
    derivedId: fc.boolean(),
    tip: tips ? fc.boolean() : fc.constant(false),
  });

function lineOf(payment: Payment, index: number, status: 'PENDING' | 'BOOKED'): ProviderTransaction {
  const day = addDays('2026-11-03', payment.day);
  const bookingDate = addDays(day, payment.bookDelay);
  const amount = status === 'BOOKED' && payment.tip ? TIPPED[payment.amount] : payment.amount;
  const date = status === 'BOOKED' ? bookingDate : day;
  const bankId = payment.derivedId
    ? `h-${amount}|${payment.payee}|${date}|${status}`
    : status === 'PENDING' && !payment.keepsId
      ? `AUTH${index}`
      : `T${index}`;
  return {
    providerTransactionId: bankId,
    amount: { amount, currency: 'EUR' },
    status,
    ...(status === 'BOOKED' ? { bookingDate } : {}),
    valueDate: day,
    date,
    ...(PAYEES[payment.payee] ? { counterparty: PAYEES[payment.payee] } : {}),
    remittanceUnstructured: `CARD ****4242 ${PAYEES[payment.payee]?.name.toUpperCase() ?? 'FEE'}`,
  };
}

function feedsOf(payments: Payment[]): { before: ProviderTransaction[]; after: ProviderTransaction[] } {
  const before = payments.map((p, i) => lineOf(p, i, p.life === 'BOOKED_ALREADY' ? 'BOOKED' : 'PENDING'));
  const after = payments.flatMap((p, i) => {
    if (p.life === 'RELEASED') return [];
    return [lineOf(p, i, p.life === 'STAYS_PENDING' ? 'PENDING' : 'BOOKED')];
  });
  return { before, after };
}

/** What the store holds, as bank content only, order-free: the multiset the feed must equal. */
function contents(lines: readonly ProviderTransaction[]): string[] {
  return lines
    .map((line) => {
      const { providerTransactionId, amount, status, bookingDate, valueDate, date, counterparty } = line;
      const remittance = line.remittanceUnstructured;
      return JSON.stringify([
        providerTransactionId,
        amount,
        status,
        bookingDate,
        valueDate,
        date,
        counterparty,
        remittance,
      ]);
    })
    .sort();
}

function count(changes: readonly FeedChange[], kind: FeedChange['kind']): number {
  return changes.filter((change) => change.kind === kind).length;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function byId(lines: readonly StoredTransaction[]): Map<string, string> {
  return new Map(lines.map((line) => [line.id, contents([line])[0]]));
}

describe('random feeds synced and re-fed', () => {
  it('store exactly the lines the bank sends, each once, and re-feeding changes nothing', () => {
    fc.assert(
      fc.property(fc.array(paymentArbitrary(true), { maxLength: 30 }), (payments) => {
        const { before, after } = feedsOf(payments);
        const first = sync([], before, WINDOW, sequentialIds('first'));
        expect(count(first.diff.changes, 'ADDED')).toBe(before.length);
        expect(contents(first.after)).toEqual(contents(before));
        expect(sync(first.after, before).diff.changes).toEqual([]);

        const second = sync(first.after, after, WINDOW, sequentialIds('second'));
        expect(contents(second.after)).toEqual(contents(after));
        expect(new Set(second.after.map((line) => line.id)).size).toBe(second.after.length);
        const { changes } = second.diff;
        expect(count(changes, 'REMOVED') - count(changes, 'ADDED')).toBe(before.length - after.length);
        // No booked line ever vanishes in these histories, so none may be reported as one.
        expect(second.diff.changes.filter((c) => c.kind === 'REMOVED' && c.reason === 'BOOKED_VANISHED')).toEqual([]);

        const again = sync(second.after, after);
        expect(again.diff.changes).toEqual([]);
        expect(again.diff.unchanged).toBe(after.length);
      }),
      { numRuns: 300 },
    );
  });

  it('keep every settled line under its Passerelle id when amounts do not move on booking', () => {
    fc.assert(
      fc.property(fc.array(paymentArbitrary(false), { maxLength: 30 }), (payments) => {
        const { before, after } = feedsOf(payments);
        const first = sync([], before, WINDOW, sequentialIds('first'));
        const second = sync(first.after, after, WINDOW, sequentialIds('second'));
        expect(count(second.diff.changes, 'ADDED')).toBe(0);
        expect(count(second.diff.changes, 'REMOVED')).toBe(payments.filter((p) => p.life === 'RELEASED').length);
        expect(count(second.diff.changes, 'SETTLED')).toBe(payments.filter((p) => p.life === 'BOOKS').length);
      }),
      { numRuns: 300 },
    );
  });

  it('give the same store whatever order the store and the bank list the lines in', () => {
    fc.assert(
      fc.property(fc.array(paymentArbitrary(true), { maxLength: 30 }), fc.integer(), (payments, seed) => {
        const { before, after } = feedsOf(payments);
        const first = sync([], before, WINDOW, sequentialIds('first'));
        const inOrder = sync(first.after, after);
        const reordered = sync(shuffled(first.after, seed), shuffled(after, seed + 1));
        // New lines' ids follow the feed's order, so only lines already stored are compared by id.
        const kept = new Set(first.after.map((line) => line.id));
        const split = (lines: StoredTransaction[]) => ({
          kept: byId(lines.filter((line) => kept.has(line.id))),
          added: contents(lines.filter((line) => !kept.has(line.id))),
        });
        expect(split(reordered.after)).toEqual(split(inOrder.after));
      }),
      { numRuns: 300 },
    );
  });
});
