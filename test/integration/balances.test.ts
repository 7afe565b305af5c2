import { print, type ExecutionResult } from 'graphql';
import { DAY_MS } from '../../src/common/dates';
import { AccountBalancesDocument, RevokeConsentDocument, type AccountBalancesQuery } from '../generated/graphql';
import { connectSandbox, sandboxInstitutionId } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

const BERLIN = 'Sandbox Berlin Group Bank';
const STET = 'Sandbox STET Bank';
const FLAKY = 'Sandbox Unreliable Bank';

const HOUR_MS = 3_600_000;

/** The gateway's and the sandbox banks' clock, which a test moves forward to cross slots of the day and midnight. */
const clock = (() => {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms: number) => (offsetMs += ms),
    /** To one minute past the next UTC midnight, the start of the first slot of a new budget day. */
    toNextDay: () => (offsetMs += DAY_MS - ((Date.now() + offsetMs) % DAY_MS) + 60_000),
  };
})();

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ now: clock.now });
});
afterAll(() => gateway?.close());

type Accounts = AccountBalancesQuery['accounts'];

/** The unified query, as a client sends it: with `X-PSU-IP-Address` when its user is at the screen. */
async function queryBalances(apiKey: string, psuIpAddress?: string): Promise<ExecutionResult<AccountBalancesQuery>> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      ...(psuIpAddress ? { 'x-psu-ip-address': psuIpAddress } : {}),
    },
    body: JSON.stringify({ query: print(AccountBalancesDocument) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ExecutionResult<AccountBalancesQuery>;
}

/**
 * Waits until the journeys' first syncs have finished: they run as jobs after the callback, and their calls must not
 * be counted as the query's. (Waiting for the banks to go quiet for a while raced a sync that paused longer than that
 * between two calls, on a busy machine.)
 */
async function quietBanks(): Promise<void> {
  await gateway.jobs.whenIdle();
}

function atBank(accounts: Accounts, bankName: string): Accounts {
  return accounts.filter((account) => account.institution.name === bankName);
}

describe('live balances across banks', () => {
  it('costs one balance read per bank for the whole query, every bank answering with decimal-string amounts, and shows the calls on /metrics', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await connectSandbox(gateway, apiKey, STET, { psuId: 'bob' });
    await connectSandbox(gateway, apiKey, FLAKY);
    await quietBanks();
    gateway.upstreamCalls.reset();

    const { data, errors } = await queryBalances(apiKey, '203.0.113.7');

    expect(errors).toBeUndefined();
    expect(data!.accounts.length).toBeGreaterThanOrEqual(6);
    for (const account of data!.accounts) {
      expect(account.balances!.length).toBeGreaterThan(0);
      for (const balance of account.balances!) {
        expect(balance.amount).toMatch(/^-?\d+\.\d{2}$/);
        expect(balance.currency).toBe('EUR');
      }
    }
    const calls = gateway.upstreamCalls.snapshot();
    // One account list call per bank. Berlin Group: `withBalance=true` covers every account of the consent.
    expect(calls[await sandboxInstitutionId(gateway, apiKey, BERLIN)]).toEqual({ accounts: 1 });
    expect(calls[await sandboxInstitutionId(gateway, apiKey, FLAKY)]).toEqual({ accounts: 1 });
    // STET 1.5: the account list carries each account's balances (`AccountResource.balances`), so GET /accounts
    // covers every account too, with no GET /accounts/{id}/balances.
    expect(atBank(data!.accounts, STET).length).toBeGreaterThan(1);
    expect(calls[await sandboxInstitutionId(gateway, apiKey, STET)]).toEqual({ accounts: 1 });

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain(
      `passerelle_upstream_calls_total{institution_id="${await sandboxInstitutionId(gateway, apiKey, BERLIN)}",resource="accounts",status="200"}`,
    );
  });

  it('stops at a revoked consent with CONSENT_REVOKED on that bank’s accounts, sending it nothing, while the other bank answers', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    const stet = await connectSandbox(gateway, apiKey, STET);
    await gateway.graphql(RevokeConsentDocument, { id: stet.consentId }, apiKey);
    await quietBanks();
    gateway.sandbox!.clearRequests();

    const { data, errors } = await queryBalances(apiKey, '203.0.113.7');

    expect(gateway.sandbox!.requests('stet')).toEqual([]);
    const stetAccounts = atBank(data!.accounts, STET);
    expect(stetAccounts.length).toBeGreaterThan(0);
    for (const account of stetAccounts) expect(account.balances).toBeNull();
    for (const account of atBank(data!.accounts, BERLIN)) expect(account.balances!.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(stetAccounts.length);
    for (const error of errors!) {
      expect(error.extensions).toMatchObject({ code: 'CONSENT_REVOKED' });
      expect(stetAccounts.map((account) => account.id)).toContain(data!.accounts[error.path![1] as number].id);
    }
  });
});

describe('the unattended access budget', () => {
  it('is not spent while the user is present: every read is live and tells the bank the user is there', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await quietBanks();
    gateway.sandbox!.clearRequests();

    for (let read = 0; read < 3; read += 1) {
      const { data, errors } = await queryBalances(apiKey, '203.0.113.7');
      expect(errors).toBeUndefined();
      for (const account of data!.accounts) {
        expect(account.balancesFreshness!.source).toBe('LIVE');
        expect(account.accessBudget).toMatchObject({ remaining: 4, perDay: 4 });
      }
    }
    const reads = gateway.sandbox!.requests('berlin-group');
    expect(reads).toHaveLength(3);
    expect(reads.every((request) => request.psuIpAddress)).toBe(true);
  });

  it('spends one read per account for an unattended client, then serves the cached balances without asking the bank', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await quietBanks();
    gateway.sandbox!.clearRequests();

    const first = await queryBalances(apiKey);
    expect(first.errors).toBeUndefined();
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    for (const account of first.data!.accounts) {
      expect(account.balancesFreshness!.source).toBe('LIVE');
      expect(account.accessBudget).toEqual({ remaining: 3, perDay: 4, resetsAt: midnight.toISOString() });
    }
    expect(gateway.sandbox!.requests('berlin-group')).toHaveLength(1);
    expect(gateway.sandbox!.requests('berlin-group')[0].psuIpAddress).toBe(false);

    const second = await queryBalances(apiKey);
    expect(second.errors).toBeUndefined();
    expect(gateway.sandbox!.requests('berlin-group')).toHaveLength(1);
    second.data!.accounts.forEach((account, index) => {
      expect(account.balancesFreshness).toEqual({
        source: 'CACHED',
        fetchedAt: first.data!.accounts[index].balancesFreshness!.fetchedAt,
      });
      expect(account.balances).toEqual(first.data!.accounts[index].balances);
      expect(account.accessBudget!.remaining).toBe(3);
    });
  });
});

describe('reads spread across the day', () => {
  it('reads the bank again in the next quarter of the day, and gives the whole budget back at midnight', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await quietBanks();
    clock.toNextDay();
    gateway.sandbox!.clearRequests();
    const read = async () => {
      const { data, errors } = await queryBalances(apiKey);
      expect(errors).toBeUndefined();
      return data!.accounts[0];
    };

    expect(await read()).toMatchObject({ balancesFreshness: { source: 'LIVE' }, accessBudget: { remaining: 3 } });
    clock.advance(5 * HOUR_MS);
    expect(await read()).toMatchObject({ balancesFreshness: { source: 'CACHED' }, accessBudget: { remaining: 3 } });
    clock.advance(HOUR_MS);
    expect(await read()).toMatchObject({ balancesFreshness: { source: 'LIVE' }, accessBudget: { remaining: 2 } });
    clock.toNextDay();
    const nextDay = await read();
    expect(nextDay).toMatchObject({ balancesFreshness: { source: 'LIVE' }, accessBudget: { remaining: 3 } });
    expect(Date.parse(nextDay.accessBudget!.resetsAt as string) - clock.now().getTime()).toBeGreaterThan(
      DAY_MS - 2 * 60_000,
    );
    expect(gateway.sandbox!.requests('berlin-group').map((request) => request.psuIpAddress)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

// Last in the file: the failures open the unreliable bank's circuit breaker, which the gateway keeps for its life.
describe('a bank that fails', () => {
  afterEach(() => gateway.sandbox!.resetFaults());

  it('passes on the bank’s rate limit as ACCESS_LIMIT_REACHED with the time to come back', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await connectSandbox(gateway, apiKey, FLAKY);
    await quietBanks();
    gateway.sandbox!.setFaults('flaky', { tooManyRequests: { count: 'always', retryAfterSeconds: 3600 } });

    const before = Date.now();
    const { data, errors } = await queryBalances(apiKey, '203.0.113.7');

    const flaky = atBank(data!.accounts, FLAKY);
    expect(errors).toHaveLength(flaky.length);
    for (const error of errors!) {
      expect(error.extensions).toMatchObject({ code: 'ACCESS_LIMIT_REACHED', retryAt: expect.any(String) });
      const retryAt = Date.parse(error.extensions!.retryAt as string);
      expect(retryAt).toBeGreaterThanOrEqual(before + 3_590_000);
      expect(retryAt).toBeLessThanOrEqual(Date.now() + 3_610_000);
    }
    for (const account of atBank(data!.accounts, BERLIN)) expect(account.balances!.length).toBeGreaterThan(0);
  });

  it('reports CONSENT_EXPIRED on its accounts when the bank says the consent has expired', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await connectSandbox(gateway, apiKey, STET);
    await quietBanks();
    gateway.sandbox!.setFaults('stet', { consentExpired: true });

    const { data, errors } = await queryBalances(apiKey, '203.0.113.7');

    const stet = atBank(data!.accounts, STET);
    expect(stet.every((account) => account.balances === null)).toBe(true);
    expect(errors!.map((error) => error.extensions!.code)).toEqual(stet.map(() => 'CONSENT_EXPIRED'));
    for (const account of atBank(data!.accounts, BERLIN)) expect(account.balances!.length).toBeGreaterThan(0);
  });

  it('nulls only its own accounts’ balances, each with PROVIDER_UNAVAILABLE, and the other banks’ balances still come back', async () => {
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, BERLIN);
    await connectSandbox(gateway, apiKey, STET);
    await connectSandbox(gateway, apiKey, FLAKY, { psuId: 'bob' });
    await quietBanks();
    gateway.sandbox!.setFaults('flaky', { serverError: 'always' });

    const { data, errors } = await queryBalances(apiKey, '203.0.113.7');

    const flaky = atBank(data!.accounts, FLAKY);
    const others = data!.accounts.filter((account) => account.institution.name !== FLAKY);
    expect(flaky.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    for (const account of flaky) {
      expect(account.balances).toBeNull();
      expect(account.balancesFreshness).toBeNull();
    }
    for (const account of others) expect(account.balances!.length).toBeGreaterThan(0);
    const flakyId = await sandboxInstitutionId(gateway, apiKey, FLAKY);
    expect(errors).toHaveLength(flaky.length);
    for (const error of errors!) {
      expect(error.path).toEqual(['accounts', expect.any(Number), 'balances']);
      expect(flaky.map((account) => account.id)).toContain(data!.accounts[error.path![1] as number].id);
      expect(error.extensions).toEqual({ code: 'PROVIDER_UNAVAILABLE', institutionId: flakyId });
      expect(JSON.stringify(error)).not.toMatch(/stack|at \w+ \(/);
    }
  });
});
