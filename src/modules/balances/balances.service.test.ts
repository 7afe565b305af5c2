import { ProviderError, type ProviderAdapter, type ProviderBalance, type PsuContext } from '../../providers';
import { MemoryMessaging } from '../../pubsub/memory-messaging';
import type { Account } from '../accounts/account.entity';
import type { BankAccess, ConsentAccess } from '../connections/consent-access';
import type { Consent } from '../connections/consent.entity';
import type { Institution } from '../institutions/institution.entity';
import { BalancesService, type AccountBalances } from './balances.service';

const HOUR = 3_600_000;
const consent = { id: 'consent-1', frequencyPerDay: 4 } as Consent;
const institution = { id: 'bank-1', name: 'Test Bank' } as Institution;
const accounts = [
  { id: 'a-1', connectionId: 'c-1', providerAccountId: 'p-1' },
  { id: 'a-2', connectionId: 'c-1', providerAccountId: 'p-2' },
] as Account[];
const PRESENT: PsuContext = { ipAddress: '203.0.113.7' };
const UNATTENDED: PsuContext = {};

function balance(amount: string): ProviderBalance {
  return { type: 'interimAvailable', amount: { amount, currency: 'EUR' } };
}

/** A bank whose balances change with every call, so a test can tell a live read from a cached one. */
function setup(start: string) {
  let now = new Date(start);
  const calls: Array<{ ids: string[]; psu: PsuContext }> = [];
  let failure: ProviderError | undefined;
  const adapter = {
    getBalances: async (_handle: unknown, ids: string[], psu: PsuContext) => {
      calls.push({ ids, psu });
      return new Map(ids.map((id) => [id, failure ?? [balance(`${calls.length}.00`)]]));
    },
  } as unknown as ProviderAdapter;
  const consentAccess = {
    forConnections: async (connectionIds: string[]): Promise<Map<string, BankAccess>> =>
      new Map(
        connectionIds.map((connectionId) => [
          connectionId,
          { connectionId, consent, institution, adapter, handle: { providerConsentId: 'x' } },
        ]),
      ),
  } as unknown as ConsentAccess;
  const messaging = new MemoryMessaging(() => now.getTime());
  const service = new BalancesService({ consentAccess, messaging, now: () => now });
  return {
    service,
    calls,
    messaging,
    read: (psu: PsuContext) => service.readAccounts(accounts, psu) as Promise<AccountBalances[]>,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    failWith: (error: ProviderError | undefined) => (failure = error),
  };
}

describe('the unattended access budget', () => {
  it('spreads the four daily reads over four six-hour slots: within a slot the cache answers, a new slot reads the bank', async () => {
    const bank = setup('2026-11-25T00:30:00Z');
    const seen: string[] = [];
    for (let hour = 0; hour < 24; hour += 1) {
      const [first] = await bank.read(UNATTENDED);
      seen.push(`${first!.source} ${first!.balances[0]!.amount.amount}`);
      if (hour < 23) bank.advance(HOUR);
    }
    expect(bank.calls).toHaveLength(4);
    expect(new Set(seen)).toEqual(
      new Set([
        'LIVE 1.00',
        'CACHED 1.00',
        'LIVE 2.00',
        'CACHED 2.00',
        'LIVE 3.00',
        'CACHED 3.00',
        'LIVE 4.00',
        'CACHED 4.00',
      ]),
    );
    await expect(bank.service.budget(consent, 'a-1')).resolves.toMatchObject({ remaining: 0, perDay: 4 });
    bank.advance(HOUR);
    await expect(bank.service.budget(consent, 'a-1')).resolves.toMatchObject({ remaining: 4 });
  });

  it('asks the bank for every account of the connection in one call, and only for those that need a live read', async () => {
    const bank = setup('2026-11-25T08:00:00Z');
    await bank.service.readAccounts([accounts[0]!], UNATTENDED);
    await bank.read(UNATTENDED);
    expect(bank.calls.map((call) => call.ids)).toEqual([['p-1'], ['p-2']]);
  });

  it('never spends the budget while the user is present, and a present read refreshes what unattended clients see', async () => {
    const bank = setup('2026-11-25T08:00:00Z');
    await bank.read(PRESENT);
    await bank.read(PRESENT);
    const [unattended] = await bank.read(UNATTENDED);
    expect(unattended).toMatchObject({ source: 'CACHED', balances: [balance('2.00')] });
    expect(bank.calls.map((call) => call.psu)).toEqual([PRESENT, PRESENT]);
    await expect(bank.service.budget(consent, 'a-1')).resolves.toEqual({
      remaining: 4,
      perDay: 4,
      resetsAt: new Date('2026-11-26T00:00:00Z'),
    });
  });

  it('once the day’s reads are spent, serves the last balances however old, or ACCESS_LIMIT_REACHED until midnight when there are none', async () => {
    const bank = setup('2026-11-25T20:00:00Z');
    // Another replica (or a cache eviction) spent today's budget without leaving balances behind.
    for (let spent = 0; spent < 4; spent += 1)
      await bank.messaging.cacheIncrement('balances:budget:consent-1:a-1:2026-11-25', 3600);
    const [exhausted, other] = await bank.service.readAccounts(accounts, UNATTENDED);
    expect(exhausted).toBeInstanceOf(ProviderError);
    expect(exhausted).toMatchObject({
      code: 'ACCESS_LIMIT_REACHED',
      details: { institutionId: 'bank-1', retryAt: new Date('2026-11-26T00:00:00Z') },
    });
    expect(other).toMatchObject({ source: 'LIVE' });

    await bank.read(PRESENT);
    bank.advance(HOUR);
    const [stale] = await bank.read(UNATTENDED);
    expect(stale).toMatchObject({ source: 'CACHED', fetchedAt: new Date('2026-11-25T20:00:00Z') });

    bank.advance(4 * HOUR);
    const [nextDay] = await bank.read(UNATTENDED);
    expect(nextDay).toMatchObject({ source: 'LIVE' });
  });

  it('puts a bank failure in the slot of each account it concerns and caches nothing from it', async () => {
    const bank = setup('2026-11-25T08:00:00Z');
    const down = new ProviderError('PROVIDER_UNAVAILABLE', 'down', { institutionId: 'bank-1' });
    bank.failWith(down);
    await expect(bank.read(PRESENT)).resolves.toEqual([down, down]);
    bank.failWith(undefined);
    const [after] = await bank.read(UNATTENDED);
    expect(after).toMatchObject({ source: 'LIVE' });
  });
});
