import { randomUUID } from 'node:crypto';
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
import { ProviderError, type ConsentHandle, type PsuContext } from '../types';
import { BerlinGroupAdapter } from './adapter';
import type { ResilienceOptions } from '../shared/upstream';

/**
 * Over 400 lines on purpose: every Berlin Group flow the adapter speaks (consents, accounts, balances, transactions,
 * paging, payments, failures) against the sandbox bank, one describe each.
 */

const present: PsuContext = { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0' };
const unattended: PsuContext = {};
const callback = 'https://gateway.example/connections/callback?flow=bg';
const fastResilience: Partial<ResilienceOptions> = {
  timeoutMs: 2_000,
  maxRetries: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 50,
  maxRetryAfterMs: 3_000,
  breakerThreshold: 50,
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.control.resetFaults();
  sandbox.control.resetAccessCounters();
});

function adapterFor(slug: 'berlin-group' | 'flaky', resilience: Partial<ResilienceOptions> = fastResilience) {
  const recorder = callRecorder();
  const recording = recordingFetch();
  const adapter = new BerlinGroupAdapter({
    endpoint: { institutionId: `sandbox-${slug}`, standard: 'BERLIN_GROUP', baseUrl: `${sandbox.root}/${slug}` },
    observer: recorder.observer,
    fetch: recording.fetch,
    resilience,
  });
  return { adapter, calls: recorder.calls, requests: recording.requests };
}

/** The whole journey a user walks: consent at Passerelle, SCA at the bank, back to the callback. */
async function connect(
  adapter: BerlinGroupAdapter,
  scopes: ConsentHandle['scopes'] = ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'],
) {
  const state = randomUUID();
  const created = await adapter.createConsent(
    consentRequest(callback, state, present, { scopes: scopes!, validUntil: isoDaysAgo(-90), historyDays: 365 }),
  );
  const sca = await walkScaForm(created.authorisationUrl, { psuId: 'alice' });
  const query = callbackQuery(sca.location!);
  const completed = await adapter.completeConsent({
    providerConsentId: created.providerConsentId,
    query,
    redirectUri: callback,
  });
  return { consent: { providerConsentId: created.providerConsentId, scopes }, created, sca, query, completed, state };
}

describe('Berlin Group adapter against the sandbox bank', () => {
  it('connects a consent through the bank SCA form and reads it as active', async () => {
    const { adapter } = adapterFor('berlin-group');
    const { created, sca, query, completed, state } = await connect(adapter);
    expect(created.status).toBe('PENDING_AUTHORISATION');
    expect(sca.status).toBe(302);
    expect(query).toEqual({ flow: 'bg', state, consentId: created.providerConsentId });
    expect(completed).toEqual({ status: 'ACTIVE' });
  });

  it('records a refusal at the bank as a rejected consent', async () => {
    const { adapter } = adapterFor('berlin-group');
    const created = await adapter.createConsent(consentRequest(callback, 's-1', present));
    const sca = await walkScaForm(created.authorisationUrl, { decision: 'deny' });
    const query = callbackQuery(sca.location!);
    expect(query.error).toBe('access_denied');
    await expect(
      adapter.completeConsent({ providerConsentId: created.providerConsentId, query, redirectUri: callback }),
    ).resolves.toEqual({
      status: 'REJECTED',
    });
  });

  it('re-shows the SCA form on a wrong one-time code instead of redirecting', async () => {
    const { adapter } = adapterFor('berlin-group');
    const created = await adapter.createConsent(consentRequest(callback, 's-2', present));
    const sca = await walkScaForm(created.authorisationUrl, { otp: '000000' });
    expect(sca.location).toBeUndefined();
    expect(sca.html).toContain('<form');
    await expect(adapter.getConsentStatus({ providerConsentId: created.providerConsentId })).resolves.toBe(
      'PENDING_AUTHORISATION',
    );
  });

  it('reads every account balance in one upstream call when the consent covers balances', async () => {
    const { adapter, calls } = adapterFor('berlin-group');
    const { consent } = await connect(adapter);
    const accounts = await adapter.listAccounts(consent, present);
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    calls.length = 0;
    const balances = await adapter.getBalances(
      consent,
      accounts.map((a) => a.providerAccountId),
      present,
    );
    expect(calls.map((c) => [c.resource, c.method])).toEqual([['accounts', 'GET']]);
    for (const account of accounts) {
      const value = balances.get(account.providerAccountId);
      expect(Array.isArray(value)).toBe(true);
      for (const balance of value as { amount: { amount: string } }[])
        expect(balance.amount.amount).toMatch(/^-?\d+(\.\d+)?$/);
    }
  });

  it('reads balances per account in parallel otherwise, an unknown account failing alone', async () => {
    const { adapter, calls } = adapterFor('berlin-group');
    const { consent } = await connect(adapter);
    const accounts = await adapter.listAccounts(consent, present);
    const withoutScopes = { providerConsentId: consent.providerConsentId };
    calls.length = 0;
    const ids = [...accounts.map((a) => a.providerAccountId), 'no-such-account'];
    const balances = await adapter.getBalances(withoutScopes, ids, present);
    expect(calls.filter((c) => c.resource === 'balances')).toHaveLength(ids.length);
    expect(Array.isArray(balances.get(accounts[0]!.providerAccountId))).toBe(true);
    const missing = balances.get('no-such-account');
    expect(missing).toBeInstanceOf(ProviderError);
    expect(['NOT_FOUND', 'CONSENT_INVALID']).toContain((missing as ProviderError).code);
  });

  it('follows next links to the end and returns a year of booked lines with the pending ones', async () => {
    const { adapter, calls } = adapterFor('berlin-group');
    const { consent } = await connect(adapter);
    const [account] = await adapter.listAccounts(consent, present);
    // A transfer just authorised shows pending until it settles: a pending line the test knows will be there.
    const payment = await adapter.initiatePayment(undefined, {
      idempotencyKey: randomUUID(),
      debtorIban: account!.iban!,
      creditor: { name: 'Cabinet Comptable Roux', iban: 'FR7630006000011234567890189' },
      amount: { amount: '480.00', currency: 'EUR' },
      remittanceUnstructured: 'Honoraires novembre',
      redirectUri: 'https://gateway.example/payments/callback',
      state: 'p',
      psu: present,
    });
    await walkScaForm(payment.authorisationUrl);
    calls.length = 0;
    const query = { dateFrom: isoDaysAgo(365), dateTo: isoDaysAgo(0) };
    const page = await adapter.getTransactions(
      consent,
      account!.providerAccountId,
      { ...query, status: 'BOTH' },
      present,
    );
    expect(page.pages).toBeGreaterThan(2);
    expect(calls.filter((c) => c.resource === 'transactions')).toHaveLength(page.pages);
    expect(
      page.transactions.find((t) => t.status === 'PENDING' && t.remittanceUnstructured === 'Honoraires novembre'),
    ).toMatchObject({
      amount: { amount: '-480', currency: 'EUR' },
      counterparty: { name: 'Cabinet Comptable Roux', iban: 'FR7630006000011234567890189' },
    });
    expect(page.transactions.filter((t) => t.status === 'BOOKED').length).toBeGreaterThan(100);
    const ids = page.transactions.map((t) => `${t.status}:${t.providerTransactionId}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of page.transactions) {
      expect(t.amount.amount).toMatch(/^-?\d+(\.\d+)?$/);
      expect(t.date >= query.dateFrom).toBe(true);
    }
    const bookedOnly = await adapter.getTransactions(
      consent,
      account!.providerAccountId,
      { ...query, status: 'BOOKED' },
      present,
    );
    expect(bookedOnly.transactions.map((t) => t.providerTransactionId)).toEqual(
      page.transactions.filter((t) => t.status === 'BOOKED').map((t) => t.providerTransactionId),
    );
    const pendingOnly = await adapter.getTransactions(
      consent,
      account!.providerAccountId,
      { ...query, status: 'PENDING' },
      present,
    );
    expect(pendingOnly.transactions.length).toBeGreaterThan(0);
    expect(pendingOnly.transactions.every((t) => t.status === 'PENDING')).toBe(true);
  });

  it('initiates a payment, has it authorised at the bank, and reads its ISO 20022 status', async () => {
    const { adapter } = adapterFor('berlin-group');
    const { consent } = await connect(adapter);
    const [debtor] = await adapter.listAccounts(consent, present);
    const idempotencyKey = `pay-${randomUUID()}`;
    const request = {
      idempotencyKey,
      debtorIban: debtor!.iban!,
      creditor: { name: 'Imprimerie Lenoir', iban: 'FR7630006000011234567890189' },
      amount: { amount: '1250.40', currency: 'EUR' },
      remittanceUnstructured: 'Facture F-2026-118',
      redirectUri: 'https://gateway.example/payments/callback',
      state: 'pay-state',
      psu: present,
    };
    const initiated = await adapter.initiatePayment(undefined, request);
    expect(initiated.status).toBe('RCVD');
    const replay = await adapter.initiatePayment(undefined, request);
    expect(replay.providerPaymentId).toBe(initiated.providerPaymentId);
    const sca = await walkScaForm(initiated.authorisationUrl);
    const query = callbackQuery(sca.location!);
    expect(query).toMatchObject({ state: 'pay-state', paymentId: initiated.providerPaymentId });
    const status = await adapter.completePayment(undefined, { providerPaymentId: initiated.providerPaymentId, query });
    expect(['ACSP', 'ACSC', 'ACCC', 'ACTC']).toContain(status);
  });

  it('revokes a consent so that the bank refuses further reads', async () => {
    const { adapter } = adapterFor('berlin-group');
    const { consent } = await connect(adapter);
    await adapter.revokeConsent(consent);
    await expect(adapter.getConsentStatus(consent)).resolves.toBe('REVOKED');
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({
      code: expect.stringMatching(/CONSENT_/),
    });
    await expect(adapter.revokeConsent(consent)).resolves.toBeUndefined();
  });
});

describe('Berlin Group adapter against the unreliable bank', () => {
  it('retries reads through transient server errors and succeeds', async () => {
    const { adapter, calls } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { serverError: 2 });
    calls.length = 0;
    const accounts = await adapter.listAccounts(consent, present);
    expect(accounts.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('gives up with bank-unavailable when the server errors persist', async () => {
    const { adapter, calls } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { serverError: 'always' });
    calls.length = 0;
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      details: { institutionId: 'sandbox-flaky', status: 503 },
    });
    expect(calls).toHaveLength(1 + fastResilience.maxRetries!);
  });

  it('never retries a consent creation, which is not idempotent', async () => {
    const { adapter, calls } = adapterFor('flaky');
    sandbox.control.setFaults('flaky', { serverError: 1 });
    await expect(adapter.createConsent(consentRequest(callback, 's', present))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
    expect(calls).toHaveLength(1);
  });

  it('retries a payment creation, which carries its idempotency key, into exactly one payment', async () => {
    const { adapter, calls, requests } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    const [debtor] = await adapter.listAccounts(consent, present);
    sandbox.control.setFaults('flaky', { serverError: 1 });
    calls.length = 0;
    const initiated = await adapter.initiatePayment(undefined, {
      idempotencyKey: `retry-${randomUUID()}`,
      debtorIban: debtor!.iban!,
      creditor: { name: 'URSSAF', iban: 'FR7630006000011234567890189' },
      amount: { amount: '310.00', currency: 'EUR' },
      redirectUri: 'https://gateway.example/payments/callback',
      state: 'st',
      psu: present,
    });
    expect(calls.map((c) => [c.resource, c.status])).toEqual([
      ['payments', 503],
      ['payments', 201],
    ]);
    const requestIds = requests.filter((r) => r.url.includes('/v1/payments/')).map((r) => r.headers['X-Request-ID']);
    expect(requestIds).toHaveLength(2);
    expect(requestIds[0]).toBe(requestIds[1]);
    expect(initiated.providerPaymentId).toBeTruthy();
  });

  it('waits for the Retry-After of a short rate limit and then succeeds', async () => {
    const { adapter, calls } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { tooManyRequests: { count: 1, retryAfterSeconds: 1 } });
    calls.length = 0;
    const started = Date.now();
    await adapter.listAccounts(consent, present);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('reports a long rate limit as access-limit-reached with the time to come back', async () => {
    const { adapter, calls } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { tooManyRequests: { count: 'always', retryAfterSeconds: 600 } });
    calls.length = 0;
    const error = await adapter.listAccounts(consent, present).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ACCESS_LIMIT_REACHED',
      details: { status: 429, bankCode: 'ACCESS_EXCEEDED' },
    });
    const retryAt = (error as ProviderError).details.retryAt!.getTime();
    expect(retryAt).toBeGreaterThan(Date.now() + 590_000);
    expect(retryAt).toBeLessThan(Date.now() + 610_000);
    expect(calls).toHaveLength(1);
  });

  it('refuses a truncated body as a malformed response', async () => {
    const { adapter } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { truncatedJson: 'always' });
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('abandons a call that takes longer than the timeout', async () => {
    const { adapter, calls } = adapterFor('flaky', { ...fastResilience, timeoutMs: 150, maxRetries: 1 });
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { latencyMs: 600 });
    calls.length = 0;
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(calls.map((c) => c.status)).toEqual([0, 0]);
    for (const call of calls) expect(call.durationMs).toBeLessThan(550);
  });

  it('maps a consent expired at the bank to consent-expired', async () => {
    const { adapter } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    const ids = (await adapter.listAccounts(consent, present)).map((a) => a.providerAccountId);
    sandbox.control.setFaults('flaky', { consentExpired: true });
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'CONSENT_EXPIRED' });
    const balances = await adapter.getBalances(consent, ids, present);
    expect([...balances.values()].map((value) => (value as ProviderError).code)).toEqual(
      ids.map(() => 'CONSENT_EXPIRED'),
    );
    await expect(adapter.getConsentStatus(consent)).resolves.toBe('EXPIRED');
  });

  it('maps a consent revoked at the bank to consent-revoked', async () => {
    const { adapter } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { consentRevoked: true });
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'CONSENT_REVOKED' });
    await expect(adapter.getConsentStatus(consent)).resolves.toBe('REVOKED');
  });

  it('hits the 4-a-day unattended limit, while reads with the user present are not counted', async () => {
    const { adapter } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    for (let i = 0; i < 6; i += 1) await adapter.listAccounts(consent, present);
    for (let i = 0; i < 4; i += 1) await adapter.listAccounts(consent, unattended);
    const error = await adapter.listAccounts(consent, unattended).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ACCESS_LIMIT_REACHED', details: { bankCode: 'ACCESS_EXCEEDED' } });
    // The budget comes back at the bank's next (UTC) day: the adapter passes that on rather than retrying.
    const nextUtcDay = new Date(`${isoDaysAgo(-1)}T00:00:00Z`).getTime();
    expect(Math.abs((error as ProviderError).details.retryAt!.getTime() - nextUtcDay)).toBeLessThan(5_000);
    await expect(adapter.listAccounts(consent, present)).resolves.not.toHaveLength(0);
  });

  it('sends PSU-IP-Address only when the user is present', async () => {
    const { adapter, requests } = adapterFor('flaky');
    const { consent } = await connect(adapter);
    requests.length = 0;
    await adapter.listAccounts(consent, present);
    await adapter.listAccounts(consent, unattended);
    expect(requests.map((r) => r.headers['PSU-IP-Address'])).toEqual(['203.0.113.7', undefined]);
    expect(requests.every((r) => r.headers['Consent-ID'] === consent.providerConsentId)).toBe(true);
  });

  it('opens the breaker after repeated failures, fails fast while open, and closes once the bank recovers', async () => {
    const { adapter, calls } = adapterFor('flaky', {
      ...fastResilience,
      maxRetries: 0,
      breakerThreshold: 3,
      breakerHalfOpenAfterMs: 300,
    });
    const { consent } = await connect(adapter);
    sandbox.control.setFaults('flaky', { serverError: 'always' });
    calls.length = 0;
    for (let i = 0; i < 3; i += 1) {
      await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    }
    expect(adapter.client.upstream.breakerState).toBe('OPEN');
    await expect(adapter.listAccounts(consent, present)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: expect.stringContaining('circuit open'),
    });
    expect(calls).toHaveLength(3);
    sandbox.control.resetFaults();
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(adapter.listAccounts(consent, present)).resolves.not.toHaveLength(0);
    expect(adapter.client.upstream.breakerState).toBe('CLOSED');
  });
});
