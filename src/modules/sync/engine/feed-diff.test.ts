import { type FeedChange, type SettledChange, diffFeed } from './feed-diff';
import {
  WINDOW,
  applyChanges,
  bankLine,
  eur,
  kinds,
  pendingLine,
  sequentialIds,
  stored,
  sync,
} from '../../../../test/support/feed-diff-lines';

const LANDLORD_IBAN = 'FR7630006000011234567890189';

function only<K extends FeedChange['kind']>(changes: FeedChange[], kind: K): Extract<FeedChange, { kind: K }> {
  expect(changes).toHaveLength(1);
  expect(changes[0].kind).toBe(kind);
  return changes[0] as Extract<FeedChange, { kind: K }>;
}

describe('the first sync of an account', () => {
  it('adds every line the bank sends, booked and pending, each under a new Passerelle id', () => {
    const feed = [
      bankLine('B1'),
      bankLine('B2', { amount: eur('-1850.00'), counterparty: { name: 'SCI Rivoli', iban: LANDLORD_IBAN } }),
      pendingLine('P1', { amount: eur('-42.10') }),
    ];
    const { diff, after } = sync([], feed);
    expect(kinds(diff)).toEqual(['ADDED', 'ADDED', 'ADDED']);
    expect(new Set(diff.changes.map((c) => c.id)).size).toBe(3);
    expect(diff.unchanged).toBe(0);
    expect(after).toHaveLength(3);
  });

  it('lists the changes oldest line first, so the outbox reads in the order money moved', () => {
    const feed = [
      bankLine('NEW', { date: '2026-11-20', bookingDate: '2026-11-20' }),
      bankLine('OLD', { date: '2026-11-02', bookingDate: '2026-11-02' }),
    ];
    const { diff } = sync([], feed);
    const bankIds = diff.changes.map((c) => (c.kind === 'ADDED' ? c.transaction.providerTransactionId : c.id));
    expect(bankIds).toEqual(['OLD', 'NEW']);
  });
});

describe('syncing again', () => {
  it('changes nothing when the bank sends the same feed twice', () => {
    const feed = [bankLine('B1'), bankLine('B2', { date: '2026-11-03' }), pendingLine('P1')];
    const first = sync([], feed);
    const second = sync(first.after, feed);
    expect(second.diff.changes).toEqual([]);
    expect(second.diff.unchanged).toBe(3);
  });

  it('treats amounts written differently as the same amount', () => {
    const before = [stored('ptx-1', bankLine('B1', { amount: eur('-3.5') }))];
    const { diff } = sync(before, [bankLine('B1', { amount: eur('-3.50') })]);
    expect(diff.changes).toEqual([]);
  });

  it('re-stamps a fingerprint written by an older recipe as a change of the fingerprint only', () => {
    const before = [{ ...stored('ptx-1', bankLine('B1')), fingerprint: 'v0-stale' }];
    const change = only(sync(before, [bankLine('B1')]).diff.changes, 'MODIFIED');
    expect(change.changedFields).toEqual(['fingerprint']);
  });
});

describe('a pending line that books', () => {
  it('keeps its Passerelle id when the bank keeps its id', () => {
    const before = [stored('ptx-1', pendingLine('TX1'))];
    const { diff, after } = sync(before, [bankLine('TX1')]);
    const settled = only(diff.changes, 'SETTLED');
    expect(settled).toMatchObject({ id: 'ptx-1', supersededProviderTransactionId: 'TX1', matchedBy: 'BANK_ID' });
    expect(settled.changedFields).toEqual(['status', 'date', 'bookingDate']);
    expect(after).toEqual([expect.objectContaining({ id: 'ptx-1', status: 'BOOKED' })]);
  });

  it('keeps its Passerelle id when the card scheme books it under a new bank id, naming the pending id it supersedes', () => {
    const before = [stored('ptx-1', pendingLine('AUTH1'))];
    const { diff, after } = sync(before, [bankLine('CLR1')]);
    const settled = only(diff.changes, 'SETTLED');
    expect(settled).toMatchObject({ id: 'ptx-1', supersededProviderTransactionId: 'AUTH1', matchedBy: 'FINGERPRINT' });
    expect(settled.changedFields).toContain('providerTransactionId');
    expect(after).toEqual([expect.objectContaining({ id: 'ptx-1', providerTransactionId: 'CLR1' })]);
  });

  it('books five days after the authorisation and still settles it', () => {
    const before = [stored('ptx-1', pendingLine('AUTH1', { date: '2026-11-06', valueDate: '2026-11-06' }))];
    const booked = bankLine('CLR1', { bookingDate: '2026-11-11', date: '2026-11-11', valueDate: '2026-11-11' });
    expect(only(sync(before, [booked]).diff.changes, 'SETTLED').id).toBe('ptx-1');
  });

  it('is not settled by a line with the same amount and payee booked weeks later: that is another payment', () => {
    const before = [stored('ptx-1', pendingLine('AUTH1', { date: '2026-11-01', valueDate: '2026-11-01' }))];
    const later = bankLine('CLR9', { bookingDate: '2026-11-20', date: '2026-11-20', valueDate: '2026-11-20' });
    expect(kinds(sync(before, [later]).diff)).toEqual(['REMOVED', 'ADDED']);
  });

  it('settles with the tip when the bank keeps its id: one SETTLED naming the amount, not a second MODIFIED', () => {
    const before = [stored('ptx-1', pendingLine('TX1', { amount: eur('-40.00') }))];
    const { diff } = sync(before, [bankLine('TX1', { amount: eur('-46.00') })]);
    const settled = only(diff.changes, 'SETTLED');
    expect(settled.changedFields).toEqual(expect.arrayContaining(['status', 'amount', 'fingerprint']));
    expect(settled.transaction.amount.amount).toBe('-46.00');
  });

  it('settles with the final exchange rate when the card scheme also changes its id, matched on the payee', () => {
    const before = [stored('ptx-1', pendingLine('AUTH1', { amount: eur('-45.12') }))];
    const { diff } = sync(before, [bankLine('CLR1', { amount: eur('-45.31') })]);
    const settled = only(diff.changes, 'SETTLED');
    expect(settled).toMatchObject({ id: 'ptx-1', supersededProviderTransactionId: 'AUTH1', matchedBy: 'SAME_PAYEE' });
    expect(settled.changedFields).toContain('amount');
  });

  it('settles when the pending line named the payee and the booked one adds its IBAN', () => {
    const pending = pendingLine('AUTH1', { counterparty: { name: 'Fournil Sarl' } });
    const booked = bankLine('CLR1', { counterparty: { name: 'FOURNIL SARL', iban: LANDLORD_IBAN } });
    const settled = only(sync([stored('ptx-1', pending)], [booked]).diff.changes, 'SETTLED');
    expect(settled.matchedBy).toBe('SAME_PAYEE');
  });

  it('is released and the booked line added when a hotel pre-authorisation books for far less', () => {
    const before = [stored('ptx-1', pendingLine('AUTH1', { amount: eur('-300.00') }))];
    const { diff } = sync(before, [bankLine('CLR1', { amount: eur('-212.40') })]);
    expect(kinds(diff)).toEqual(['REMOVED', 'ADDED']);
  });

  it('is never settled by a refund from the same payee', () => {
    const before = [stored('ptx-1', pendingLine('AUTH1', { amount: eur('-20.00') }))];
    const { diff } = sync(before, [bankLine('CLR1', { amount: eur('20.00') })]);
    expect(kinds(diff)).toEqual(['REMOVED', 'ADDED']);
  });

  it('ignores the pending copy some banks keep listing beside the booked line under the same id', () => {
    const before = [stored('ptx-1', pendingLine('TX1'))];
    const { diff, after } = sync(before, [pendingLine('TX1'), bankLine('TX1', { amount: eur('-4.00') })]);
    expect(only(diff.changes, 'SETTLED').id).toBe('ptx-1');
    expect(after).toEqual([expect.objectContaining({ status: 'BOOKED', amount: eur('-4.00') })]);
  });

  it("is kept when it only shares its derived id with yesterday's identical coffee booked today", () => {
    const yesterdays = bankLine('h-coffee', { valueDate: '2026-11-11', bookingDate: '2026-11-12', date: '2026-11-12' });
    const todays = pendingLine('h-coffee', { valueDate: '2026-11-12', date: '2026-11-12' });
    const { diff, after } = sync([], [yesterdays, todays]);
    expect(kinds(diff)).toEqual(['ADDED', 'ADDED']);
    expect(sync(after, [yesterdays, todays]).diff.changes).toEqual([]);
  });
});

describe('a line the bank stops sending', () => {
  it('is removed as released when it was a pending authorisation', () => {
    const before = [stored('ptx-1', bankLine('B1')), stored('ptx-2', pendingLine('AUTH1', { amount: eur('-80.00') }))];
    const { diff } = sync(before, [bankLine('B1')]);
    expect(only(diff.changes, 'REMOVED')).toEqual({
      kind: 'REMOVED',
      id: 'ptx-2',
      providerTransactionId: 'AUTH1',
      status: 'PENDING',
      reason: 'PENDING_RELEASED',
    });
    expect(diff.unchanged).toBe(1);
  });

  it('is reported but flagged as vanished when it was booked, since banks rarely delete booked lines', () => {
    const { diff } = sync([stored('ptx-1', bankLine('B1'))], []);
    expect(only(diff.changes, 'REMOVED')).toMatchObject({ id: 'ptx-1', status: 'BOOKED', reason: 'BOOKED_VANISHED' });
  });

  it('is never removed when it is dated outside the sync window', () => {
    const before = [
      stored('ptx-old', bankLine('B0', { date: '2026-10-20', bookingDate: '2026-10-20' })),
      stored('ptx-auth', pendingLine('AUTH0', { date: '2026-10-29', valueDate: '2026-10-29' })),
      stored('ptx-future', pendingLine('SAL1', { date: '2026-11-27', valueDate: '2026-11-27' })),
    ];
    const { diff } = sync(before, []);
    expect(diff.changes).toEqual([]);
    expect(diff.unchanged).toBe(0);
  });

  it('can still settle from before the window: an authorisation of the 29th booked on the 2nd is one line', () => {
    const before = [stored('ptx-auth', pendingLine('AUTH0', { date: '2026-10-29', valueDate: '2026-10-29' }))];
    const booked = bankLine('CLR0', { date: '2026-11-02', bookingDate: '2026-11-02', valueDate: '2026-10-29' });
    expect(only(sync(before, [booked]).diff.changes, 'SETTLED').id).toBe('ptx-auth');
  });
});

describe('a booked line the bank sends again', () => {
  it('is modified when the bank corrects its remittance, naming the field', () => {
    const before = [stored('ptx-1', bankLine('B1', { remittanceUnstructured: 'FACTURE 2026-0141' }))];
    const { diff, after } = sync(before, [bankLine('B1', { remittanceUnstructured: 'FACTURE 2026-0144' })]);
    const modified = only(diff.changes, 'MODIFIED');
    expect(modified).toMatchObject({ id: 'ptx-1', changedFields: ['remittanceUnstructured'] });
    expect(after[0].remittanceUnstructured).toBe('FACTURE 2026-0144');
  });

  it('is modified, naming the status, when the bank sends it back as pending: the engine decides what to believe', () => {
    const before = [stored('ptx-1', bankLine('TX1'))];
    const modified = only(sync(before, [pendingLine('TX1')]).diff.changes, 'MODIFIED');
    expect(modified.changedFields).toEqual(['status', 'date', 'bookingDate']);
  });

  it('is not modified when only the spacing of the IBAN differs', () => {
    const spaced = { name: 'SCI Rivoli', iban: 'FR76 3000 6000 0112 3456 7890 189' };
    const before = [stored('ptx-1', bankLine('B1', { counterparty: spaced }))];
    const { diff } = sync(before, [bankLine('B1', { counterparty: { name: 'SCI Rivoli', iban: LANDLORD_IBAN } })]);
    expect(diff.changes).toEqual([]);
  });
});

describe('two identical coffees (same amount, same payee, same day)', () => {
  it('stay two lines when the bank gives each its own id', () => {
    const { diff, after } = sync([], [bankLine('C1'), bankLine('C2')]);
    expect(kinds(diff)).toEqual(['ADDED', 'ADDED']);
    expect(sync(after, [bankLine('C1'), bankLine('C2')]).diff.unchanged).toBe(2);
  });

  it('stay two lines when the bank gives none and the adapter derives the same id for both', () => {
    const feed = [bankLine('h-same'), bankLine('h-same')];
    const first = sync([], feed);
    expect(first.after).toHaveLength(2);
    const second = sync(first.after, feed);
    expect(second.diff.changes).toEqual([]);
    expect(second.diff.unchanged).toBe(2);
  });

  it('become a third line when a third one is bought, never merged into the two stored', () => {
    const before = [stored('ptx-1', bankLine('h-same')), stored('ptx-2', bankLine('h-same'))];
    const { diff, after } = sync(before, [bankLine('h-same'), bankLine('h-same'), bankLine('h-same')]);
    expect(kinds(diff)).toEqual(['ADDED']);
    expect(after).toHaveLength(3);
  });

  it('keep their own ids when a second one books under the derived id the first already has, in any feed order', () => {
    // Found by the property test: a bank without ids derives one from amount, payee, date and status, so a payment
    // that books on the day an earlier identical one was booked takes that one's id. Each stored line must stay with
    // the line it is, not with whichever of the two the bank happens to list first.
    const fuel = {
      amount: eur('250.00'),
      counterparty: { name: 'TotalEnergies Station' },
      bookingDate: '2026-11-12',
      date: '2026-11-12',
    };
    const before = [
      stored('ptx-earlier', bankLine('h-250|2026-11-12|BOOKED', { ...fuel, valueDate: '2026-11-08' })),
      stored(
        'ptx-later',
        pendingLine('h-250|2026-11-10|PENDING', {
          ...fuel,
          bookingDate: undefined,
          date: '2026-11-10',
          valueDate: '2026-11-10',
        }),
      ),
    ];
    const feed = [
      bankLine('h-250|2026-11-12|BOOKED', { ...fuel, valueDate: '2026-11-10' }),
      bankLine('h-250|2026-11-12|BOOKED', { ...fuel, valueDate: '2026-11-08' }),
    ];
    for (const order of [feed, [...feed].reverse()]) {
      const { diff, after } = sync(before, order);
      expect(only(diff.changes, 'SETTLED').id).toBe('ptx-later');
      expect(Object.fromEntries(after.map((line) => [line.id, line.valueDate]))).toEqual({
        'ptx-earlier': '2026-11-08',
        'ptx-later': '2026-11-10',
      });
    }
  });

  it('settle one each when both authorisations book under new ids', () => {
    const before = [stored('ptx-1', pendingLine('A1')), stored('ptx-2', pendingLine('A2'))];
    const { diff, after } = sync(before, [bankLine('C1'), bankLine('C2')]);
    expect(kinds(diff)).toEqual(['SETTLED', 'SETTLED']);
    expect(new Set(diff.changes.map((c) => c.id))).toEqual(new Set(['ptx-1', 'ptx-2']));
    expect(after.map((l) => l.providerTransactionId).sort()).toEqual(['C1', 'C2']);
  });

  it('stay two when one books under its own id and the other is still pending', () => {
    const before = [stored('ptx-1', pendingLine('C1')), stored('ptx-2', pendingLine('C2'))];
    const { diff, after } = sync(before, [bankLine('C1'), pendingLine('C2')]);
    expect(only(diff.changes, 'SETTLED').id).toBe('ptx-1');
    expect(diff.unchanged).toBe(1);
    expect(after).toHaveLength(2);
  });
});

describe('when several lines could settle the same one', () => {
  const lunchOn = (day: string) => ({ date: day, valueDate: day, remittanceUnstructured: 'CARD ****4242 BISTROT' });
  const storedLines = [
    stored('ptx-a', pendingLine('AUTH-A', lunchOn('2026-11-09'))),
    stored('ptx-b', pendingLine('AUTH-B', lunchOn('2026-11-11'))),
  ];
  const feed = [bankLine('CLR', { date: '2026-11-12', bookingDate: '2026-11-12', valueDate: '2026-11-11' })];

  it('the authorisation dated closest to the booked line wins', () => {
    const { diff } = sync(storedLines, feed);
    expect(diff.changes.find((c) => c.kind === 'SETTLED')?.id).toBe('ptx-b');
    expect(diff.changes.find((c) => c.kind === 'REMOVED')?.id).toBe('ptx-a');
  });

  it('the more alike remittance wins between authorisations of the same day', () => {
    const sameDay = [
      stored('ptx-a', pendingLine('AUTH-A', { remittanceUnstructured: 'CARD ****4242 PARKING' })),
      stored('ptx-b', pendingLine('AUTH-B', { remittanceUnstructured: 'CARD ****4242 CAFE DE LA GARE' })),
    ];
    const booked = bankLine('CLR', { remittanceUnstructured: 'CARD ****4242 CAFE DE LA GARE LYON' });
    expect(sync(sameDay, [booked]).diff.changes.find((c) => c.kind === 'SETTLED')?.id).toBe('ptx-b');
  });

  it('the choice is the same whatever order the store and the bank list the lines in', () => {
    const twins = ['z', 'y', 'x'].map((k) => stored(`ptx-${k}`, pendingLine(`AUTH-${k.toUpperCase()}`)));
    const booked = [bankLine('CLR-2'), bankLine('CLR-1')];
    const pairsOf = (s: typeof twins, f: typeof booked) =>
      diffFeed({ stored: s, window: WINDOW, feed: f }, { newId: sequentialIds() })
        .changes.filter((c): c is SettledChange => c.kind === 'SETTLED')
        .map((c) => `${c.id}<-${c.transaction.providerTransactionId}`)
        .sort();
    const expected = pairsOf(twins, booked);
    expect(expected).toEqual(['ptx-x<-CLR-1', 'ptx-y<-CLR-2']);
    expect(pairsOf([...twins].reverse(), [...booked].reverse())).toEqual(expected);
    expect(pairsOf([twins[1], twins[2], twins[0]], booked)).toEqual(expected);
  });

  it('a booked line claimed by its own bank id is never also taken by another authorisation', () => {
    const before = [stored('ptx-1', pendingLine('C1')), stored('ptx-2', pendingLine('A2'))];
    const { diff } = sync(before, [bankLine('C1')]);
    expect(diff.changes.map((c) => `${c.kind}:${c.id}`)).toEqual(['REMOVED:ptx-2', 'SETTLED:ptx-1']);
  });
});

describe('what the engine must hand over', () => {
  it('refuses a window that ends before it starts', () => {
    expect(() => diffFeed({ stored: [], window: { from: '2026-11-25', to: '2026-11-01' }, feed: [] })).toThrow(
      RangeError,
    );
  });

  it('refuses a stored line passed twice, which would let one line be matched twice', () => {
    const line = stored('ptx-1', bankLine('B1'));
    expect(() => diffFeed({ stored: [line, line], window: WINDOW, feed: [] })).toThrow(/passed twice/);
  });

  it('gives new lines random UUIDs unless told how to make ids', () => {
    const [change] = diffFeed({ stored: [], window: WINDOW, feed: [bankLine('B1')] }).changes;
    expect(change.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(applyChanges([], [change])).toHaveLength(1);
  });
});
