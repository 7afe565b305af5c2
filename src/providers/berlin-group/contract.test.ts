import { randomUUID } from 'node:crypto';
import { recordingFetch, SpecValidator } from '../../../test/support/openapi/request-contract';
import { describeWithSpecs } from '../../../test/support/openapi/specs';
import {
  callbackQuery,
  consentRequest,
  startSandbox,
  walkScaForm,
  type RunningSandbox,
} from '../../../test/support/sandbox-harness';
import type { PsuContext } from '../types';
import { BerlinGroupAdapter } from './adapter';

const present: PsuContext = { ipAddress: '203.0.113.7' };

describeWithSpecs('Berlin Group requests against the official psd2-api 1.3.11 OpenAPI file', () => {
  let spec: SpecValidator;
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    spec = await SpecValidator.load('BERLIN_GROUP');
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('sends only requests the spec accepts over a whole journey: consent, SCA, reads, payment, revocation', async () => {
    const baseUrl = `${sandbox.root}/berlin-group`;
    const recording = recordingFetch();
    const adapter = new BerlinGroupAdapter({
      endpoint: { institutionId: 'bg', standard: 'BERLIN_GROUP', baseUrl },
      fetch: recording.fetch,
    });
    const redirectUri = 'https://gateway.example/callback';
    const created = await adapter.createConsent(
      consentRequest(redirectUri, randomUUID(), present, {
        scopes: ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'],
        validUntil: '9999-12-31',
        historyDays: 365,
      }),
    );
    const sca = await walkScaForm(created.authorisationUrl);
    await adapter.completeConsent({
      providerConsentId: created.providerConsentId,
      query: callbackQuery(sca.location!),
      redirectUri,
    });
    const consent = { providerConsentId: created.providerConsentId, scopes: ['BALANCES' as const] };
    const accounts = await adapter.listAccounts(consent, present);
    const ids = accounts.map((a) => a.providerAccountId);
    await adapter.getBalances(consent, ids, {});
    await adapter.getBalances({ providerConsentId: created.providerConsentId }, ids, {});
    await adapter.getTransactions(
      consent,
      ids[0]!,
      { dateFrom: '2026-01-01', dateTo: '2026-11-30', status: 'BOTH' },
      present,
    );
    await adapter.getTransactions(
      consent,
      ids[0]!,
      { dateFrom: '2026-10-01', dateTo: '2026-11-30', status: 'PENDING' },
      {},
    );
    const payment = await adapter.initiatePayment(undefined, {
      idempotencyKey: 'invoice-2026-118-payment',
      debtorIban: accounts[0]!.iban!,
      creditor: { name: 'Imprimerie Lenoir', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' },
      amount: { amount: '99.99', currency: 'EUR' },
      remittanceUnstructured: 'F-2026-118',
      endToEndId: 'E2E-F-2026-118',
      redirectUri: 'https://gateway.example/payments/callback',
      state: 's',
      psu: present,
    });
    await adapter.getPaymentStatus(undefined, payment.providerPaymentId);
    await adapter.revokeConsent(consent);

    const operations = new Set(recording.requests.map((r) => spec.operationOf(r, baseUrl)));
    expect([...operations].sort()).toEqual(
      [
        'createConsent',
        'deleteConsent',
        'getAccountList',
        'getBalances',
        'getConsentStatus',
        'getPaymentInitiationStatus',
        'getTransactionList',
        'initiatePayment',
      ].sort(),
    );
    const errors = recording.requests.flatMap((request) => spec.validate(request, baseUrl));
    expect(errors).toEqual([]);
  });

  it('catches a request the spec refuses, so the check above can fail', () => {
    const errors = spec.validate(
      {
        method: 'GET',
        url: 'https://bank.example/psd2/v1/accounts/abc/transactions?bookingStatus=everything',
        headers: { 'X-Request-ID': 'not-a-uuid' },
      },
      'https://bank.example/psd2',
    );
    expect(errors.join('\n')).toMatch(/bookingStatus/);
    expect(errors.join('\n')).toMatch(/consent-id/);
    expect(errors.join('\n')).toMatch(/x-request-id/);
  });

  it('starts the authorisation explicitly, with a spec-valid request, when the bank offers no redirect link at creation', async () => {
    const recording = recordingFetch(async (url) => {
      if (url.endsWith('/v1/consents')) {
        return Response.json(
          {
            consentStatus: 'received',
            consentId: 'c-42',
            _links: { startAuthorisation: { href: '/v1/consents/c-42/authorisations' } },
          },
          { status: 201 },
        );
      }
      return Response.json(
        {
          scaStatus: 'received',
          authorisationId: 'a-1',
          _links: { scaRedirect: { href: 'https://bank.example/sca/a-1' } },
        },
        { status: 201 },
      );
    });
    const adapter = new BerlinGroupAdapter({
      endpoint: { institutionId: 'bg', standard: 'BERLIN_GROUP', baseUrl: 'https://bank.example' },
      fetch: recording.fetch,
    });
    const created = await adapter.createConsent(
      consentRequest('https://gateway.example/callback', 'st', present, { validUntil: '2027-01-31' }),
    );
    expect(created).toEqual({
      providerConsentId: 'c-42',
      status: 'PENDING_AUTHORISATION',
      authorisationUrl: 'https://bank.example/sca/a-1',
    });
    expect(recording.requests.map((r) => r.url)).toEqual([
      'https://bank.example/v1/consents',
      'https://bank.example/v1/consents/c-42/authorisations',
    ]);
    expect(recording.requests.flatMap((r) => spec.validate(r, 'https://bank.example'))).toEqual([]);
  });
});
