import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { recordingFetch } from '../../../test/support/openapi/request-contract';
import {
  callbackQuery,
  callRecorder,
  consentRequest,
  isoDaysAgo,
  startSandbox,
  walkScaForm,
  type RunningSandbox,
} from '../../../test/support/sandbox-harness';
import type { FetchFn, ResilienceOptions } from '../shared/upstream';
import { ProviderError, type ConsentHandle, type ProviderTokens, type PsuContext } from '../types';
import { StetAdapter } from './adapter';

const present: PsuContext = { ipAddress: '203.0.113.7' };
const unattended: PsuContext = {};
const callback = 'https://gateway.example/connections/callback?flow=stet';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const fastResilience: Partial<ResilienceOptions> = {
  timeoutMs: 2_000,
  maxRetries: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 50,
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.control.resetFaults());

function adapterFor(options: { now?: () => number; fetch?: FetchFn } = {}) {
  const recorder = callRecorder();
  const recording = recordingFetch(options.fetch);
  const refreshed: [string, ProviderTokens][] = [];
  const adapter = new StetAdapter({
    endpoint: {
      institutionId: 'sandbox-stet',
      standard: 'STET',
      baseUrl: `${sandbox.root}/stet`,
      clientId: 'passerelle-test',
    },
    signingKey: { keyId: 'https://passerelle.example/qseal.pem', privateKey },
    observer: recorder.observer,
    fetch: recording.fetch,
    resilience: fastResilience,
    onTokensRefreshed: (id, tokens) => {
      refreshed.push([id, tokens]);
    },
    now: options.now,
  });
  return { adapter, calls: recorder.calls, requests: recording.requests, refreshed };
}

async function connect(adapter: StetAdapter) {
  const state = randomUUID();
  const created = await adapter.createConsent(
    consentRequest(callback, state, present, {
      scopes: ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'],
      validUntil: isoDaysAgo(-90),
      historyDays: 365,
    }),
  );
  const sca = await walkScaForm(created.authorisationUrl, { psuId: 'bob' });
  const query = callbackQuery(sca.location!);
  const completed = await adapter.completeConsent({
    providerConsentId: created.providerConsentId,
    query,
    redirectUri: callback,
  });
  const consent: ConsentHandle = { providerConsentId: created.providerConsentId, tokens: completed.tokens };
  return { consent, created, query, completed, state };
}

async function pay(
  adapter: StetAdapter,
  debtorIban: string,
  decision: 'approve' | 'deny' = 'approve',
  idempotencyKey = randomUUID(),
) {
  const request = {
    idempotencyKey,
    debtorIban,
    creditor: { name: 'Transports Garnier', iban: 'FR7630006000011234567890189' },
    amount: { amount: '312.60', currency: 'EUR' },
    remittanceUnstructured: `Facture TG-${idempotencyKey.slice(0, 8)}`,
    redirectUri: 'https://gateway.example/payments/callback',
    state: 'pay-state',
    psu: present,
  };
  const initiated = await adapter.initiatePayment(undefined, request);
  const sca = await walkScaForm(initiated.authorisationUrl, { psuId: 'bob', decision });
  const query = callbackQuery(sca.location!);
  const status = await adapter.completePayment(undefined, { providerPaymentId: initiated.providerPaymentId, query });
  return { request, initiated, query, status };
}

describe('STET adapter against the sandbox bank', () => {
  it('connects through the OAuth2 authorization page and returns the tokens for the gateway to keep', async () => {
    const { adapter } = adapterFor();
    const { created, query, completed, state } = await connect(adapter);
    const authorize = new URL(created.authorisationUrl);
    expect(authorize.pathname).toBe('/sandbox/stet/oauth/authorize');
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'passerelle-test',
      redirect_uri: callback,
      scope: 'aisp extended_transaction_history',
      state,
      valid_until: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      history_days: '365',
    });
    expect(query).toMatchObject({ flow: 'stet', state, code: expect.any(String) });
    expect(completed.status).toBe('ACTIVE');
    expect(completed.tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(Date.parse(completed.tokens!.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it('records a refusal on the authorization page as a rejected consent, with no token', async () => {
    const { adapter } = adapterFor();
    const created = await adapter.createConsent(consentRequest(callback, 'st', present));
    const sca = await walkScaForm(created.authorisationUrl, { decision: 'deny' });
    const query = callbackQuery(sca.location!);
    expect(query).toMatchObject({ error: 'access_denied', state: 'st' });
    await expect(
      adapter.completeConsent({ providerConsentId: created.providerConsentId, query, redirectUri: callback }),
    ).resolves.toEqual({
      status: 'REJECTED',
    });
  });

  it('tells the savings account from the current accounts (it came back as CURRENT)', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    const accounts = await adapter.listAccounts(consent, present);
    expect(accounts.map((a) => [a.name, a.type])).toEqual([
      ["Bob's Bikes Business account", 'CURRENT'],
      ["Bob's Bikes Business savings", 'SAVINGS'],
    ]);
  });

  it('reads the balances of N accounts from one account list call, the same balances the per-account read gives', async () => {
    const { adapter, calls, requests } = adapterFor();
    const { consent } = await connect(adapter);
    const accounts = await adapter.listAccounts(consent, present);
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    expect(accounts.every((a) => a.currency === 'EUR' && a.iban)).toBe(true);
    calls.length = 0;
    requests.length = 0;
    const ids = accounts.map((a) => a.providerAccountId);
    const balances = await adapter.getBalances(consent, ids, unattended);
    expect(calls.map((c) => c.resource)).toEqual(['accounts']);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(['/sandbox/stet/accounts']);
    expect([...balances.keys()]).toEqual(ids);
    for (const id of ids) {
      const listed = balances.get(id) as { type: string; amount: { amount: string } }[];
      expect(listed.map((b) => b.type)).toEqual(expect.arrayContaining(['closingBooked', 'expected']));
      // The per-account read (the fallback) agrees with what the list carried.
      const alone = await adapter.getBalances(consent, [id], unattended);
      expect(alone.get(id)).toEqual(listed);
    }
  });

  it('falls back to one balances call per account missing from the list or listed without balances, each failing alone', async () => {
    // A real STET bank may leave `AccountResource.balances` out (it is optional): strip it from the second account.
    let stripped: string | undefined;
    const withoutSomeBalances: FetchFn = async (input, init) => {
      const response = await fetch(input, init);
      if (new URL(input).pathname !== '/sandbox/stet/accounts' || response.status !== 200) return response;
      const body = (await response.json()) as { accounts: { resourceId: string; balances?: unknown }[] };
      stripped = body.accounts[1]!.resourceId;
      delete body.accounts[1]!.balances;
      return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
    };
    const { adapter, calls, requests } = adapterFor({ fetch: withoutSomeBalances });
    const { consent } = await connect(adapter);
    const accounts = await adapter.listAccounts(consent, present);
    calls.length = 0;
    requests.length = 0;
    const ids = [...accounts.map((a) => a.providerAccountId), 'no-such-account'];
    const balances = await adapter.getBalances(consent, ids, unattended);
    expect(calls.filter((c) => c.resource === 'accounts')).toHaveLength(1);
    expect(calls.filter((c) => c.resource === 'balances')).toHaveLength(2);
    expect(requests.map((r) => new URL(r.url).pathname).sort()).toEqual(
      [
        '/sandbox/stet/accounts',
        `/sandbox/stet/accounts/${stripped}/balances`,
        '/sandbox/stet/accounts/no-such-account/balances',
      ].sort(),
    );
    expect([...balances.keys()]).toEqual(ids);
    for (const account of accounts) {
      const read = balances.get(account.providerAccountId) as { type: string }[];
      expect(read.map((b) => b.type)).toEqual(expect.arrayContaining(['closingBooked', 'expected']));
    }
    expect(balances.get('no-such-account')).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('puts the account list call’s error in the slot of every account, without a call per account', async () => {
    const { adapter, calls } = adapterFor();
    const { consent } = await connect(adapter);
    const ids = (await adapter.listAccounts(consent, present)).map((a) => a.providerAccountId);
    sandbox.control.setFaults('stet', { tooManyRequests: { count: 'always', retryAfterSeconds: 3600 } });
    calls.length = 0;
    const balances = await adapter.getBalances(consent, ids, unattended);
    expect(calls.every((c) => c.resource === 'accounts')).toBe(true);
    expect([...balances.keys()]).toEqual(ids);
    for (const id of ids) expect(balances.get(id)).toMatchObject({ code: 'ACCESS_LIMIT_REACHED' });
  });

  it('sends the inclusive end date as STET exclusive dateTo and follows next links to the end, pending included', async () => {
    const { adapter, calls, requests } = adapterFor();
    const { consent } = await connect(adapter);
    const [account] = await adapter.listAccounts(consent, present);
    const payment = await pay(adapter, account!.iban!);
    expect(payment.status).toBe('ACSP');
    calls.length = 0;
    requests.length = 0;
    const query = { dateFrom: isoDaysAgo(365), dateTo: isoDaysAgo(0) };
    const page = await adapter.getTransactions(
      consent,
      account!.providerAccountId,
      { ...query, status: 'BOTH' },
      present,
    );
    const first = new URL(requests[0]!.url);
    expect(first.searchParams.get('dateFrom')).toBe(`${query.dateFrom}T00:00:00Z`);
    expect(first.searchParams.get('dateTo')).toBe(`${isoDaysAgo(-1)}T00:00:00Z`);
    expect(page.pages).toBeGreaterThan(2);
    expect(calls.filter((c) => c.resource === 'transactions')).toHaveLength(page.pages);
    expect(
      page.transactions.find(
        (t) => t.status === 'PENDING' && t.remittanceUnstructured === payment.request.remittanceUnstructured,
      ),
    ).toMatchObject({
      amount: { amount: '-312.6', currency: 'EUR' },
    });
    expect(page.transactions.filter((t) => t.status === 'BOOKED').length).toBeGreaterThan(100);
    const pendingOnly = await adapter.getTransactions(
      consent,
      account!.providerAccountId,
      { ...query, status: 'PENDING' },
      present,
    );
    expect(pendingOnly.transactions.length).toBeGreaterThan(0);
    expect(pendingOnly.transactions.every((t) => t.status === 'PENDING')).toBe(true);
  });

  it('refreshes an expired access token once, hands the new pair to the gateway, and reads with it', async () => {
    let skewMs = 0;
    const { adapter, calls, refreshed } = adapterFor({ now: () => Date.now() + skewMs });
    const { consent } = await connect(adapter);
    skewMs = 2 * 3600_000;
    calls.length = 0;
    const balances = await adapter.getBalances(
      consent,
      (await adapter.listAccounts(consent, present)).map((a) => a.providerAccountId),
      present,
    );
    expect([...balances.values()].every(Array.isArray)).toBe(true);
    expect(calls.filter((c) => c.resource === 'oauth')).toHaveLength(1);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]![0]).toBe(consent.providerConsentId);
    expect(refreshed[0]![1].accessToken).not.toBe(consent.tokens!.accessToken);
    expect(refreshed[0]![1].refreshToken).toBe(consent.tokens!.refreshToken);
  });

  it('refreshes and retries once when the bank says the access token expired before the announced time', async () => {
    let bankClockSkewMs = 0;
    const skewed = await startSandbox({ now: () => new Date(Date.now() + bankClockSkewMs) });
    try {
      const refreshed: string[] = [];
      const adapter = new StetAdapter({
        endpoint: {
          institutionId: 'skewed',
          standard: 'STET',
          baseUrl: `${skewed.root}/stet`,
          clientId: 'passerelle-test',
        },
        signingKey: { keyId: 'k', privateKey },
        onTokensRefreshed: (id) => {
          refreshed.push(id);
        },
      });
      const created = await adapter.createConsent(consentRequest(callback, 's', present));
      const sca = await walkScaForm(created.authorisationUrl);
      const { tokens } = await adapter.completeConsent({
        providerConsentId: created.providerConsentId,
        query: callbackQuery(sca.location!),
        redirectUri: callback,
      });
      // The bank's clock runs two hours ahead: the one-hour token is dead there while it looks valid here.
      bankClockSkewMs = 2 * 3600_000;
      const consent = { providerConsentId: created.providerConsentId, tokens };
      await expect(adapter.listAccounts(consent, present)).resolves.not.toHaveLength(0);
      expect(refreshed).toEqual([created.providerConsentId]);
    } finally {
      await skewed.close();
    }
  });

  it('reads the consent as active while the bank still honours the grant', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    await expect(adapter.getConsentStatus(consent)).resolves.toBe('ACTIVE');
    await expect(adapter.getConsentStatus({ providerConsentId: 'never-authorised' })).resolves.toBe(
      'PENDING_AUTHORISATION',
    );
  });

  it('maps a consent expired at the bank to consent-expired', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('stet', { consentExpired: true });
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'CONSENT_EXPIRED' });
    await expect(adapter.getConsentStatus(consent)).resolves.toBe('EXPIRED');
  });

  it('maps a consent revoked at the bank to consent-revoked', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('stet', { consentRevoked: true });
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'CONSENT_REVOKED' });
    await expect(adapter.getConsentStatus(consent)).resolves.toBe('REVOKED');
  });

  it('revokes the grant at the bank so that its tokens stop working', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    await adapter.revokeConsent(consent);
    await expect(adapter.listAccounts(consent, present)).rejects.toBeInstanceOf(ProviderError);
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'CONSENT_REVOKED' });
  });

  it('initiates a payment, confirms it after the SCA at the bank, and a replay with the same key is the same payment', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    const [account] = await adapter.listAccounts(consent, present);
    const key = randomUUID();
    const { initiated, query, status, request } = await pay(adapter, account!.iban!, 'approve', key);
    expect(initiated.status).toBe('RCVD');
    expect(query).toMatchObject({ state: 'pay-state', paymentRequestResourceId: initiated.providerPaymentId });
    expect(status).toBe('ACSP');
    await expect(adapter.getPaymentStatus(undefined, initiated.providerPaymentId)).resolves.toBe('ACSP');
    const replay = await adapter.initiatePayment(undefined, request);
    expect(replay.providerPaymentId).toBe(initiated.providerPaymentId);
  });

  it('reads a payment refused at the bank as rejected', async () => {
    const { adapter } = adapterFor();
    const { consent } = await connect(adapter);
    const [account] = await adapter.listAccounts(consent, present);
    const { query, status } = await pay(adapter, account!.iban!, 'deny');
    expect(query.error).toBe('access_denied');
    expect(status).toBe('RJCT');
  });

  it('retries reads through transient server errors, and refuses a truncated body as malformed', async () => {
    const { adapter, calls } = adapterFor();
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('stet', { serverError: 2 });
    calls.length = 0;
    await expect(adapter.listAccounts(consent, present)).resolves.not.toHaveLength(0);
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
    sandbox.control.setFaults('stet', { truncatedJson: 'always' });
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('waits out a short rate limit and reports a long one with the time to come back', async () => {
    const { adapter, calls } = adapterFor();
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('stet', { tooManyRequests: { count: 1, retryAfterSeconds: 1 } });
    calls.length = 0;
    await expect(adapter.listAccounts(consent, unattended)).resolves.not.toHaveLength(0);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    sandbox.control.setFaults('stet', { tooManyRequests: { count: 'always', retryAfterSeconds: 3600 } });
    const error = await adapter.listAccounts(consent, unattended).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ACCESS_LIMIT_REACHED', details: { status: 429 } });
    expect((error as ProviderError).details.retryAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });
});
