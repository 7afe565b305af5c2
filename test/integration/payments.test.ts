import { randomUUID } from 'node:crypto';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { Payment } from '../../src/modules/payments/payment.entity';
import { walkScaForm } from '../support/sandbox-harness';
import {
  AccountsDocument,
  CancelPaymentDocument,
  ConnectionsDocument,
  InitiatePaymentDocument,
  PaymentDocument,
  PaymentsDocument,
  TransactionsDocument,
  type InitiatePaymentInput,
} from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { eventually, subscribe } from '../support/subscriptions';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/** A clock the test moves forward, shared by the gateway and the sandbox banks (which settle ACSP → ACSC in 10 min). */
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ now, paymentPollBaseMs: 50 });
});
afterAll(() => gateway?.close());
afterEach(() => gateway.sandbox!.resetFaults());

const BANKS = [
  { name: 'Sandbox Berlin Group Bank', slug: 'berlin-group' as const, payments: '/v1/payments/sepa-credit-transfers' },
  { name: 'Sandbox STET Bank', slug: 'stet' as const, payments: '/payment-requests' },
];
const RETURN_TO = 'http://127.0.0.1:9/paid';
/** A valid German IBAN outside the sandbox banks. */
const SUPPLIER_IBAN = 'DE89370400440532013000';

async function ownerAt(bankName: string, psuId = 'alice') {
  const owner = await gateway.makeOwner();
  await connectSandbox(gateway, owner.apiKey, bankName, { psuId });
  // The first sync runs in the background; let it end so fault knobs hit the payment calls only.
  await gateway.jobs.whenIdle();
  const accounts = (await gateway.graphql(AccountsDocument, {}, owner.apiKey)).body.data!.accounts;
  return { ...owner, accounts };
}

function order(debtorAccountId: string, over: Partial<InitiatePaymentInput> = {}): InitiatePaymentInput {
  return {
    idempotencyKey: randomUUID(),
    debtorAccountId,
    creditorName: 'Papeterie Martin',
    creditorIban: SUPPLIER_IBAN,
    amount: '42.10',
    remittanceInformation: `Invoice ${randomUUID().slice(0, 8)}`,
    redirectUri: RETURN_TO,
    ...over,
  };
}

function initiate(apiKey: string, input: InitiatePaymentInput) {
  return gateway.graphql(InitiatePaymentDocument, { input }, apiKey);
}

/** The payer's browser: the bank's SCA page, then the gateway's callback, then the client's redirect URI. */
async function payAtBank(authorisationUrl: string, decision: 'approve' | 'deny' = 'approve', psuId = 'alice') {
  const sca = await walkScaForm(authorisationUrl, { psuId, decision });
  expect(sca.status).toBe(302);
  const callback = await fetch(sca.location!, { redirect: 'manual' });
  expect(callback.status).toBe(302);
  return { final: new URL(callback.headers.get('location')!) };
}

/** Waits for an asynchronous outcome (the status poll), failing after 10 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > 10_000) throw new Error('the condition did not hold within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function bankPaymentCreations(slug: 'berlin-group' | 'stet', path: string) {
  return gateway.sandbox!.requests(slug).filter((call) => call.method === 'POST' && call.path.endsWith(path));
}

describe.each(BANKS)('paying a supplier at the $name', (bank) => {
  it('shows the amount and the payee on the bank’s SCA page, and after approval returns to the client with ACSP, then settles ACSC', async () => {
    const owner = await ownerAt(bank.name);
    const started = await initiate(owner.apiKey, order(owner.accounts[0].id, { amount: '1234.50' }));
    expect(started.body.errors).toBeUndefined();
    const { payment, authorisationUrl } = started.body.data!.initiatePayment;
    expect(payment).toMatchObject({ status: 'RCVD', amount: '1234.50', currency: 'EUR', creditorIban: SUPPLIER_IBAN });

    const scaPage = await (await fetch(authorisationUrl)).text();
    expect(scaPage).toContain('1234.50');
    expect(scaPage).toContain('Papeterie Martin');

    const stream = subscribe<{ paymentStatusChanged: { payment: { id: string; status: string } } }>(
      gateway.url,
      owner.apiKey,
      'subscription { paymentStatusChanged(after: "0") { cursor payment { id status } } }',
    );
    const { final } = await payAtBank(authorisationUrl);
    expect(`${final.origin}${final.pathname}`).toBe(RETURN_TO);
    expect(final.searchParams.get('paymentId')).toBe(payment.id);
    expect(final.searchParams.get('status')).toBe('ACSP');

    offsetMs += 11 * 60 * 1000;
    await eventually(() =>
      expect(stream.received.map((event) => event.paymentStatusChanged.payment.status)).toEqual([
        'RCVD',
        'ACSP',
        'ACSC',
      ]),
    );
    await stream.close();
    const audit = await gateway.dataSource
      .getRepository(AuditEvent)
      .find({ where: { subjectId: payment.id }, order: { id: 'ASC' } });
    expect(audit.map((row) => [row.action, row.principalId])).toEqual([
      ['PAYMENT_INITIATED', owner.id],
      ['PAYMENT_STATUS_CHANGED', null],
      ['PAYMENT_STATUS_CHANGED', null],
    ]);
  });

  it('ends RJCT with a reason when the payer denies at the bank, and says so on the redirect', async () => {
    const owner = await ownerAt(bank.name);
    const { authorisationUrl, payment } = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!
      .initiatePayment;
    const { final } = await payAtBank(authorisationUrl, 'deny');
    expect(final.searchParams.get('status')).toBe('RJCT');
    expect(final.searchParams.get('reason')).toMatch(/refused/);
    const read = (await gateway.graphql(PaymentDocument, { id: payment.id }, owner.apiKey)).body.data!.payment;
    expect(read).toMatchObject({ status: 'RJCT', statusReason: expect.stringMatching(/refused/), transaction: null });
  });

  it('ends RJCT when the account cannot cover the amount', async () => {
    const owner = await ownerAt(bank.name);
    const { authorisationUrl } = (await initiate(owner.apiKey, order(owner.accounts[0].id, { amount: '999999999.99' })))
      .body.data!.initiatePayment;
    const { final } = await payAtBank(authorisationUrl);
    expect(final.searchParams.get('status')).toBe('RJCT');
    expect(final.searchParams.get('reason')).toBeTruthy();
  });

  it('answers the same payment to the same key, sequentially and for 20 requests at once, with one bank call', async () => {
    const owner = await ownerAt(bank.name);
    const input = order(owner.accounts[0].id);
    gateway.sandbox!.clearRequests();
    const answers = await Promise.all(Array.from({ length: 20 }, () => initiate(owner.apiKey, input)));
    const again = await initiate(owner.apiKey, input);
    const ids = new Set([...answers, again].map((answer) => answer.body.data?.initiatePayment.payment.id));
    expect([...ids]).toHaveLength(1);
    expect(bankPaymentCreations(bank.slug, bank.payments)).toHaveLength(1);
    expect(await gateway.dataSource.getRepository(Payment).countBy({ ownerId: owner.id })).toBe(1);
  });

  it('refuses the same key with another amount as IDEMPOTENCY_KEY_REUSED, and another owner’s same key is theirs', async () => {
    const owner = await ownerAt(bank.name);
    const input = order(owner.accounts[0].id);
    await initiate(owner.apiKey, input);
    const reused = await initiate(owner.apiKey, { ...input, amount: '42.11' });
    expect(reused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
      field: 'input.idempotencyKey',
    });

    const other = await ownerAt(bank.name, 'bob');
    const theirs = await initiate(other.apiKey, { ...input, debtorAccountId: other.accounts[0].id });
    expect(theirs.body.errors).toBeUndefined();
  });

  it('resolves a creation the bank failed, or answered unreadably, by a retry with the same key, paying once', async () => {
    const owner = await ownerAt(bank.name);
    const input = order(owner.accounts[0].id);
    gateway.sandbox!.setFaults(bank.slug, { truncatedJson: 1 });
    const lost = await initiate(owner.apiKey, input);
    expect(lost.body.errors?.[0]?.extensions?.code).toBe('MALFORMED_RESPONSE');
    gateway.sandbox!.setFaults(bank.slug, { serverError: 4 });
    const down = await initiate(owner.apiKey, input);
    expect(down.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');

    gateway.sandbox!.resetFaults();
    const retried = await initiate(owner.apiKey, input);
    expect(retried.body.errors).toBeUndefined();
    const { final } = await payAtBank(retried.body.data!.initiatePayment.authorisationUrl);
    expect(final.searchParams.get('status')).toBe('ACSP');
    offsetMs += 11 * 60 * 1000;
    const failures = await gateway.dataSource
      .getRepository(AuditEvent)
      .countBy({ ownerId: owner.id, action: 'PAYMENT_CREATION_FAILED' });
    expect(failures).toBe(2);
  });

  it('learns the outcome from the sweep when the payer decided at the bank but never came back through the gateway', async () => {
    const owner = await ownerAt(bank.name);
    const { payment, authorisationUrl } = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!
      .initiatePayment;
    const sca = await walkScaForm(authorisationUrl, { psuId: 'alice', decision: 'deny' });
    expect(sca.status).toBe(302);
    await gateway.payments.sweep({ ownerId: owner.id, staleAfterMs: 0 });
    const read = (await gateway.graphql(PaymentDocument, { id: payment.id }, owner.apiKey)).body.data!.payment;
    expect(read).toMatchObject({ status: 'RJCT', statusReason: expect.any(String) });
  });

  it('lists payments newest first, filters them by status, and pages them', async () => {
    const owner = await ownerAt(bank.name);
    const first = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!.initiatePayment;
    const second = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!.initiatePayment;
    await payAtBank(first.authorisationUrl, 'deny');
    const page = (await gateway.graphql(PaymentsDocument, { first: 1 }, owner.apiKey)).body.data!.payments;
    expect(page.edges.map((edge) => edge.node.id)).toEqual([second.payment.id]);
    const next = (await gateway.graphql(PaymentsDocument, { first: 1, after: page.pageInfo.endCursor }, owner.apiKey))
      .body.data!.payments;
    expect(next.edges.map((edge) => edge.node.id)).toEqual([first.payment.id]);
    const rejected = (await gateway.graphql(PaymentsDocument, { status: 'RJCT' }, owner.apiKey)).body.data!.payments;
    expect(rejected.edges.map((edge) => edge.node.id)).toEqual([first.payment.id]);
  });
});

describe('validation before any bank call', () => {
  it.each([
    ['creditorIban', { creditorIban: 'DE89370400440532013001' }],
    ['amount', { amount: '0.00' }],
    ['amount', { amount: '10.001' }],
    ['amount', { amount: '1e3' }],
    ['currency', { currency: 'USD' }],
    ['remittanceInformation', { remittanceInformation: 'x'.repeat(141) }],
    ['remittanceInformation', { remittanceInformation: 'Facture n° 12 – été' }],
    ['creditorName', { creditorName: '' }],
    ['redirectUri', { redirectUri: 'https://attacker.example/' }],
    ['debtorAccountId', { debtorAccountId: randomUUID() }],
    ['idempotencyKey', { idempotencyKey: '' }],
  ])(
    'refuses a bad %s as BAD_USER_INPUT naming the field, writing nothing and calling no bank',
    async (field, over) => {
      const owner = await ownerAt('Sandbox STET Bank');
      gateway.sandbox!.clearRequests();
      const answer = await initiate(owner.apiKey, order(owner.accounts[0].id, over));
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
      expect(bankPaymentCreations('stet', '/payment-requests')).toEqual([]);
      expect(await gateway.dataSource.getRepository(Payment).countBy({ ownerId: owner.id })).toBe(0);
    },
  );

  it('lets only keys with INITIATE_PAYMENTS pay', async () => {
    const owner = await ownerAt('Sandbox STET Bank');
    const reader = await gateway.makeApiClient(owner.id, ['READ' as never]);
    const answer = await initiate(reader.apiKey, order(owner.accounts[0].id));
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('cancelling', () => {
  it('cancels a STET payment before it is confirmed, so the bank never executes it', async () => {
    const owner = await ownerAt('Sandbox STET Bank');
    const { payment, authorisationUrl } = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!
      .initiatePayment;
    gateway.sandbox!.clearRequests();
    const cancelled = await gateway.graphql(CancelPaymentDocument, { id: payment.id }, owner.apiKey);
    expect(cancelled.body.data!.cancelPayment.status).toBe('CANC');
    const { final } = await payAtBank(authorisationUrl);
    expect(final.searchParams.get('status')).toBe('CANC');
    expect(gateway.sandbox!.requests('stet').filter((call) => call.path.endsWith('/confirmation'))).toEqual([]);
  });

  it('cancels a Berlin Group payment at the bank before SCA, after which the bank’s page no longer takes it', async () => {
    const owner = await ownerAt('Sandbox Berlin Group Bank');
    const { payment, authorisationUrl } = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!
      .initiatePayment;
    const cancelled = await gateway.graphql(CancelPaymentDocument, { id: payment.id }, owner.apiKey);
    expect(cancelled.body.data!.cancelPayment).toMatchObject({
      status: 'CANC',
      statusReason: expect.stringMatching(/cancelled/),
    });
    const sca = await walkScaForm(authorisationUrl);
    expect(sca.status).toBe(409);
    expect(sca.html).toContain('already CANC');
  });

  it.each(BANKS)('refuses to cancel once the payer authorised it at the $name', async (bank) => {
    const owner = await ownerAt(bank.name);
    const { payment, authorisationUrl } = (await initiate(owner.apiKey, order(owner.accounts[0].id))).body.data!
      .initiatePayment;
    await payAtBank(authorisationUrl);
    offsetMs += 11 * 60 * 1000;
    const answer = await gateway.graphql(CancelPaymentDocument, { id: payment.id }, owner.apiKey);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(
      (await gateway.graphql(PaymentDocument, { id: payment.id }, owner.apiKey)).body.data!.payment.status,
    ).not.toBe('CANC');
  });
});

describe('the executed payment and its bank lines', () => {
  it('links the debit once the sync brings it, and the credit shows at the receiving sandbox bank', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { psuId: 'alice' });
    await connectSandbox(gateway, owner.apiKey, 'Sandbox STET Bank', { psuId: 'bob' });
    await gateway.jobs.whenIdle();
    const accounts = (await gateway.graphql(AccountsDocument, {}, owner.apiKey)).body.data!.accounts;
    const debtor = accounts.find((account) => account.institution.name === 'Sandbox Berlin Group Bank')!;
    const receiver = accounts.find((account) => account.institution.name === 'Sandbox STET Bank')!;
    const remittance = `Transfer ${randomUUID().slice(0, 8)}`;
    const { payment, authorisationUrl } = (
      await initiate(
        owner.apiKey,
        order(debtor.id, {
          creditorIban: receiver.iban!,
          creditorName: 'Bob',
          amount: '77.70',
          remittanceInformation: remittance,
        }),
      )
    ).body.data!.initiatePayment;
    await payAtBank(authorisationUrl);
    offsetMs += 11 * 60 * 1000;
    await until(
      async () =>
        (await gateway.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).status === 'ACSC',
    );

    const connections = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections;
    for (const connection of connections) await gateway.sync.request(connection.id, {});
    await gateway.jobs.whenIdle();

    const linked = (await gateway.graphql(PaymentDocument, { id: payment.id }, owner.apiKey)).body.data!.payment;
    expect(linked.transaction).toMatchObject({
      amount: expect.stringMatching(/^-77\.70*$/),
      remittanceInformation: remittance,
    });
    const credits = (
      await gateway.graphql(
        TransactionsDocument,
        { first: 10, filter: { accountIds: [receiver.id], text: remittance } },
        owner.apiKey,
      )
    ).body.data!.transactions;
    expect(credits.edges.map((edge) => edge.node.amount)).toEqual([expect.stringMatching(/^77\.70*$/)]);
  });
});
