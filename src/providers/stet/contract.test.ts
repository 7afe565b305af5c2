import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { recordingFetch, SpecValidator } from '../../../test/support/openapi/request-contract';
import { describeWithSpecs } from '../../../test/support/openapi/specs';
import {
  callbackQuery,
  consentRequest,
  startSandbox,
  walkScaForm,
  type RunningSandbox,
} from '../../../test/support/sandbox-harness';
import { StetAdapter } from './adapter';

describeWithSpecs('STET requests against the official STET 1.5 OpenAPI file', () => {
  let spec: SpecValidator;
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    spec = await SpecValidator.load('STET');
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('sends only requests the spec accepts over a whole journey: accounts, balances, paged transactions, payment', async () => {
    const baseUrl = `${sandbox.root}/stet`;
    const recording = recordingFetch();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const adapter = new StetAdapter({
      endpoint: { institutionId: 'stet', standard: 'STET', baseUrl, clientId: 'passerelle-test' },
      signingKey: { keyId: 'https://passerelle.example/qseal.pem', privateKey },
      fetch: recording.fetch,
    });
    const redirectUri = 'https://gateway.example/callback';
    const created = await adapter.createConsent(
      consentRequest(
        redirectUri,
        randomUUID(),
        { ipAddress: '203.0.113.7' },
        { scopes: ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'], validUntil: '2027-05-01', historyDays: 365 },
      ),
    );
    const sca = await walkScaForm(created.authorisationUrl);
    const { tokens } = await adapter.completeConsent({
      providerConsentId: created.providerConsentId,
      query: callbackQuery(sca.location!),
      redirectUri,
    });
    const consent = { providerConsentId: created.providerConsentId, tokens };
    const accounts = await adapter.listAccounts(consent, { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0' });
    // The balances come with the account list; an account missing from it is read alone (the per-account request).
    await adapter.getBalances(consent, [...accounts.map((a) => a.providerAccountId), 'not-in-the-list'], {});
    const page = await adapter.getTransactions(
      consent,
      accounts[0]!.providerAccountId,
      { dateFrom: '2026-01-01', dateTo: '2026-11-30', status: 'BOTH' },
      {},
    );
    expect(page.pages).toBeGreaterThan(1);
    const payment = await adapter.initiatePayment(undefined, {
      idempotencyKey: 'invoice-77',
      debtorIban: accounts[0]!.iban!,
      creditor: { name: 'Atelier Morel', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' },
      amount: { amount: '75.50', currency: 'EUR' },
      remittanceUnstructured: 'Facture 77',
      endToEndId: 'E2E-77',
      redirectUri: 'https://gateway.example/payments/callback',
      state: 's',
      psu: { ipAddress: '203.0.113.7' },
    });
    const approval = await walkScaForm(payment.authorisationUrl);
    await adapter.completePayment(undefined, {
      providerPaymentId: payment.providerPaymentId,
      query: callbackQuery(approval.location!),
    });
    await adapter.getPaymentStatus(undefined, payment.providerPaymentId);

    const apiRequests = recording.requests.filter((r) => !new URL(r.url).pathname.includes('/oauth/'));
    const operations = new Set(apiRequests.map((r) => spec.operationOf(r, baseUrl)));
    expect([...operations].sort()).toEqual(
      [
        'accountsBalancesGet',
        'accountsGet',
        'accountsTransactionsGet',
        'paymentRequestConfirmationPost',
        'paymentRequestsGet',
        'paymentRequestsPost',
      ].sort(),
    );
    // The first transactions request is the adapter's; the next ones follow the bank's `_links.next` as given.
    const firstTransactions = apiRequests.find((r) => spec.operationOf(r, baseUrl) === 'accountsTransactionsGet');
    const errors = apiRequests.flatMap((request) =>
      spec.validate(request, baseUrl, {
        bankAuthoredQuery:
          spec.operationOf(request, baseUrl) === 'accountsTransactionsGet' && request !== firstTransactions,
      }),
    );
    expect(errors).toEqual([]);
  });

  it('catches a request the spec refuses, so the check above can fail', () => {
    const errors = spec.validate(
      {
        method: 'GET',
        url: 'https://bank.example/stet/accounts/1/transactions?dateFrom=2026-01-01',
        headers: { Authorization: 'Bearer t' },
      },
      'https://bank.example/stet',
    );
    expect(errors.join('\n')).toMatch(/dateFrom/);
    expect(errors.join('\n')).toMatch(/signature/);
    expect(errors.join('\n')).toMatch(/x-request-id/);
  });
});
