import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { createJobRunner, type HandlerOptions, type JobHandler, type JobRunner } from '../../src/jobs';
import { createLogger } from '../../src/logger';
import { EventsService } from '../../src/modules/events/events.service';
import { InvoicesService, type InvoiceDraft } from '../../src/modules/invoices/invoices.service';
import { ReconciliationService } from '../../src/modules/reconciliation/reconciliation.service';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import {
  ConfirmMatchDocument,
  InvoicesDocument,
  MatchesDocument,
  RejectMatchDocument,
  UpsertInvoicesDocument,
  type InvoiceInput,
} from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { eventually, settle, subscribe } from '../support/subscriptions';
import { deleteRedisKeys, TEST_REDIS_URL } from '../support/services';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

const BANK = 'Sandbox Berlin Group Bank';
const RECONCILIATION_UPDATED =
  'subscription($after: String) { reconciliationUpdated(after: $after) { cursor state match { id state invoice { number } } } }';

interface ReconciliationEventData {
  reconciliationUpdated: {
    cursor: string;
    state: string;
    match: { id: string; state: string; invoice: { number: string } };
  };
}

async function connectAndSync() {
  const owner = await gateway.makeOwner();
  await connectSandbox(gateway, owner.apiKey, BANK, { validForDays: 180 });
  await gateway.jobs.whenIdle();
  return owner;
}

/**
 * Invoices the owner's customers really paid: built from synced credits that quote an invoice number, as the owner's
 * invoicing tool would have issued them, with the customer's IBAN and the amount that arrived.
 */
async function invoicesPaidBy(ownerId: string, count: number): Promise<InvoiceInput[]> {
  const lines = await gateway.dataSource
    .getRepository(Transaction)
    .find({ where: { ownerId, status: 'BOOKED' as never }, order: { date: 'ASC', id: 'ASC' } });
  const invoices = new Map<string, InvoiceInput>();
  for (const line of lines) {
    const number = /\bINV-\d{4}-\d{4}\b/.exec(line.remittanceInformation ?? '')?.[0];
    if (!number || invoices.has(number) || new Decimal(line.amount).lte(0)) continue;
    invoices.set(number, {
      number,
      customerName: line.counterpartyName!,
      customerIban: line.counterpartyIban,
      amount: new Decimal(line.amount).toFixed(2),
      currency: line.currency,
      issueDate: shiftDays(line.date, -20),
      dueDate: shiftDays(line.date, 10),
    });
  }
  expect(invoices.size).toBeGreaterThanOrEqual(count);
  return [...invoices.values()].slice(0, count);
}

function shiftDays(date: string, days: number): string {
  const shifted = new Date(`${date}T00:00:00Z`);
  shifted.setUTCDate(shifted.getUTCDate() + days);
  return shifted.toISOString().slice(0, 10);
}

async function matchesOf(apiKey: string) {
  const { body } = await gateway.graphql(MatchesDocument, { first: 100 }, apiKey);
  expect(body.errors).toBeUndefined();
  return body.data!.matches.edges.map((edge) => edge.node);
}

async function pushAndReconcile(apiKey: string, input: InvoiceInput[]) {
  const pushed = await gateway.graphql(UpsertInvoicesDocument, { input }, apiKey);
  expect(pushed.body.errors).toBeUndefined();
  await gateway.jobs.whenIdle();
  return pushed.body.data!.upsertInvoices;
}

describe('reconciliation of pushed invoices with the synced bank feed', () => {
  it('links each pushed invoice to the credit that paid it, marks it paid and streams every decision', async () => {
    const owner = await connectAndSync();
    const input = await invoicesPaidBy(owner.id, 5);
    const stream = subscribe<ReconciliationEventData>(gateway.url, owner.apiKey, RECONCILIATION_UPDATED, {
      after: '0',
    });

    await pushAndReconcile(owner.apiKey, input);

    const matches = await matchesOf(owner.apiKey);
    expect(matches.map((match) => match.invoice.number).sort()).toEqual(input.map((invoice) => invoice.number).sort());
    for (const match of matches) {
      expect(new Decimal(match.amount).equals(match.transaction.amount)).toBe(true);
      expect([match.amount, match.writtenOff, match.transaction.amount, match.invoice.amountPaid]).toEqual(
        Array(4).fill(expect.stringMatching(/^\d+\.\d{2}$/)),
      );
      expect(match.transaction.remittanceInformation).toContain(match.invoice.number);
      expect(match.signals.map((signal) => signal.kind)).toContain('REFERENCE_EXACT');
      expect(match.state).toBe('AUTO_CONFIRMED');
      expect(match.invoice.status).toBe('PAID');
    }
    const paid = (await gateway.graphql(InvoicesDocument, { status: 'PAID', first: 100 }, owner.apiKey)).body.data!
      .invoices.edges;
    expect(paid).toHaveLength(input.length);

    await eventually(() => expect(stream.received).toHaveLength(matches.length));
    expect(new Set(stream.received.map((event) => event.reconciliationUpdated.match.id))).toEqual(
      new Set(matches.map((match) => match.id)),
    );
    expect(stream.received.every((event) => event.reconciliationUpdated.state === 'AUTO_CONFIRMED')).toBe(true);
    stream.close();
  });

  it('changes nothing when the same invoices are pushed again', async () => {
    const owner = await connectAndSync();
    const input = await invoicesPaidBy(owner.id, 3);
    const first = await pushAndReconcile(owner.apiKey, input);
    const matches = await matchesOf(owner.apiKey);
    const events = await reconciliationEventCount(owner.id);

    const again = await pushAndReconcile(owner.apiKey, input);
    expect(again.map((invoice) => invoice.id)).toEqual(first.map((invoice) => invoice.id));
    expect(again.map((invoice) => invoice.status)).toEqual(input.map(() => 'PAID'));
    expect(await matchesOf(owner.apiKey)).toEqual(matches);
    expect(await reconciliationEventCount(owner.id)).toBe(events);
    expect(
      (await gateway.graphql(InvoicesDocument, { first: 100 }, owner.apiKey)).body.data!.invoices.edges,
    ).toHaveLength(input.length);
  });

  it('never proposes a rejected pair again, and reopens the invoice it had paid', async () => {
    const owner = await connectAndSync();
    await pushAndReconcile(owner.apiKey, await invoicesPaidBy(owner.id, 2));
    const [match] = await matchesOf(owner.apiKey);

    const rejected = await gateway.graphql(RejectMatchDocument, { id: match.id }, owner.apiKey);
    expect(rejected.body.data!.rejectMatch).toMatchObject({
      id: match.id,
      state: 'REJECTED',
      invoice: { status: 'OPEN' },
    });
    expect(new Decimal(rejected.body.data!.rejectMatch.invoice.amountPaid).isZero()).toBe(true);
    await gateway.jobs.whenIdle();
    await gateway.reconciliation.run(owner.id);

    const pairs = (await matchesOf(owner.apiKey)).filter(
      (other) => other.transaction.id === match.transaction.id && other.invoice.id === match.invoice.id,
    );
    expect(pairs.map((pair) => pair.state)).toEqual(['REJECTED']);
    expect(
      (await gateway.graphql(MatchesDocument, { state: 'REJECTED' }, owner.apiKey)).body.data!.matches.edges.map(
        (edge) => edge.node.id,
      ),
    ).toEqual([match.id]);
  });

  it('pages through matches as a Relay connection, narrowed by state, invoice, transaction and date', async () => {
    const owner = await connectAndSync();
    await pushAndReconcile(owner.apiKey, await invoicesPaidBy(owner.id, 5));
    const all = await matchesOf(owner.apiKey);
    const query = (variables: Record<string, unknown>) =>
      gateway.graphql(MatchesDocument, variables, owner.apiKey).then(({ body }) => body.data!.matches);

    const first = await query({ first: 2 });
    const rest = await query({ first: 100, after: first.pageInfo.endCursor });
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect([...first.edges, ...rest.edges].map((edge) => edge.node.id)).toEqual(all.map((match) => match.id));
    const dates = all.map((match) => match.transaction.date);
    expect(dates).toEqual([...dates].sort());

    const [target] = all;
    expect((await query({ invoiceId: target.invoice.id })).edges.map((edge) => edge.node.id)).toEqual([target.id]);
    expect((await query({ transactionId: target.transaction.id })).edges.map((edge) => edge.node.id)).toEqual([
      target.id,
    ]);
    expect(
      (await query({ from: dates.at(-1), to: dates.at(-1) })).edges.every(
        (edge) => edge.node.transaction.date === dates.at(-1),
      ),
    ).toBe(true);
    expect((await query({ state: 'CONFIRMED' })).edges).toEqual([]);
    expect((await query({ invoiceId: 'not-an-id' })).edges).toEqual([]);
  });

  it('keeps a match the owner confirmed as CONFIRMED, and streams that decision', async () => {
    const owner = await connectAndSync();
    await pushAndReconcile(owner.apiKey, await invoicesPaidBy(owner.id, 2));
    const [match] = await matchesOf(owner.apiKey);
    const stream = subscribe<ReconciliationEventData>(gateway.url, owner.apiKey, RECONCILIATION_UPDATED);
    await settle();

    const confirmed = await gateway.graphql(ConfirmMatchDocument, { id: match.id }, owner.apiKey);
    expect(confirmed.body.data!.confirmMatch).toMatchObject({
      id: match.id,
      state: 'CONFIRMED',
      decision: 'AUTO_CONFIRMED',
    });
    await eventually(() =>
      expect(stream.received.map((event) => event.reconciliationUpdated)).toEqual([
        expect.objectContaining({ state: 'CONFIRMED', match: expect.objectContaining({ id: match.id }) }),
      ]),
    );
    stream.close();

    await gateway.reconciliation.run(owner.id);
    expect((await matchesOf(owner.apiKey)).find((other) => other.id === match.id)!.state).toBe('CONFIRMED');
    const refused = await gateway.graphql(RejectMatchDocument, { id: match.id }, owner.apiKey);
    expect(refused.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
  });

  it('matches every invoice of a burst of concurrent pushes', async () => {
    const owner = await connectAndSync();
    const input = await invoicesPaidBy(owner.id, 6);
    await Promise.all(
      input.map((invoice) => gateway.graphql(UpsertInvoicesDocument, { input: [invoice] }, owner.apiKey)),
    );
    await gateway.jobs.whenIdle();

    expect((await matchesOf(owner.apiKey)).map((match) => match.invoice.number).sort()).toEqual(
      input.map((invoice) => invoice.number).sort(),
    );
  });

  it('matches invoices pushed before the bank was connected as soon as the first sync brings their payments', async () => {
    const reader = await connectAndSync();
    const input = await invoicesPaidBy(reader.id, 2);

    const owner = await gateway.makeOwner();
    const pushed = await pushAndReconcile(owner.apiKey, input);
    expect(pushed.map((invoice) => invoice.status)).toEqual(['OPEN', 'OPEN']);
    await connectSandbox(gateway, owner.apiKey, BANK, { validForDays: 180 });
    await gateway.jobs.whenIdle();

    expect((await matchesOf(owner.apiKey)).map((match) => match.invoice.number).sort()).toEqual(
      input.map((invoice) => invoice.number).sort(),
    );
  });

  it('shows another owner none of the invoices or matches, and answers NOT_FOUND for their ids', async () => {
    const owner = await connectAndSync();
    await pushAndReconcile(owner.apiKey, await invoicesPaidBy(owner.id, 2));
    const [match] = await matchesOf(owner.apiKey);
    const stranger = await gateway.makeOwner();

    expect(await matchesOf(stranger.apiKey)).toEqual([]);
    expect(
      (await gateway.graphql(InvoicesDocument, { first: 100 }, stranger.apiKey)).body.data!.invoices.edges,
    ).toEqual([]);
    const confirmed = await gateway.graphql(ConfirmMatchDocument, { id: match.id }, stranger.apiKey);
    expect(confirmed.body.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    const rejected = await gateway.graphql(RejectMatchDocument, { id: match.id }, stranger.apiKey);
    expect(rejected.body.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect((await matchesOf(owner.apiKey)).find((other) => other.id === match.id)!.state).toBe(match.state);
  });

  it('refuses a push with one bad invoice, naming its field, and writes none of it', async () => {
    const owner = await gateway.makeOwner();
    const valid: InvoiceInput = {
      number: 'F-2026-001',
      customerName: 'Atelier Dubois',
      amount: '1200.00',
      currency: 'EUR',
      issueDate: '2026-10-01',
      dueDate: '2026-10-31',
    };
    const cases: Array<[Partial<InvoiceInput>, string]> = [
      [{ amount: '12.5.0' }, 'input[1].amount'],
      [{ amount: '0.00' }, 'input[1].amount'],
      [{ amount: '10.001' }, 'input[1].amount'],
      [{ currency: 'euro' }, 'input[1].currency'],
      [{ dueDate: '2026-09-01' }, 'input[1].dueDate'],
      [{ customerIban: 'FR76 0000' }, 'input[1].customerIban'],
      [{ structuredReference: 'RF00 1234' }, 'input[1].structuredReference'],
      [{ number: 'F-2026-001' }, 'input[1].number'],
    ];
    for (const [change, field] of cases) {
      const { body } = await gateway.graphql(
        UpsertInvoicesDocument,
        { input: [valid, { ...valid, number: 'F-2026-002', ...change }] },
        owner.apiKey,
      );
      expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    }
    expect((await gateway.graphql(InvoicesDocument, { first: 10 }, owner.apiKey)).body.data!.invoices.edges).toEqual(
      [],
    );

    const reader = await gateway.makeApiClient(owner.id, ['READ' as never]);
    const { body } = await gateway.graphql(UpsertInvoicesDocument, { input: [valid] }, reader.apiKey);
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});

async function reconciliationEventCount(ownerId: string): Promise<number> {
  const [row] = (await gateway.dataSource.query(
    `SELECT coalesce(sum(json_array_length(payloads)), 0)::int AS count FROM outbox_batch WHERE topic = 'reconciliation' AND owner_id = $1`,
    [ownerId],
  )) as Array<{ count: number }>;
  return row.count;
}

/**
 * A runner whose jobs, once their handler has returned, stay in the queue until `release`: it holds open the moment
 * between a run's last look at its inputs and the moment its job leaves the queue, which on a loaded machine is
 * BullMQ's round trips (lock release, move to completed).
 */
function holdingFinishedJobs(runner: JobRunner) {
  let finish!: () => void;
  const firstFinished = new Promise<void>((resolve) => (finish = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held: JobRunner = {
    register: <T extends object>(name: string, handler: JobHandler<T>, options?: HandlerOptions<T>) =>
      runner.register<T>(
        name,
        async (data, job) => {
          await handler(data, job);
          finish();
          await released;
        },
        options,
      ),
    enqueue: (name, data, options) => runner.enqueue(name, data, options),
    repeat: (name, data, options) => runner.repeat(name, data, options),
    stopRepeat: (name, scheduleId) => runner.stopRepeat(name, scheduleId),
    whenIdle: () => runner.whenIdle(),
    close: () => runner.close(),
  };
  return { held, firstFinished, release };
}

/** The generated input types its date scalars as unknown; the service takes the strings they are. */
function draftOf(input: InvoiceInput): InvoiceDraft {
  return { ...input, issueDate: String(input.issueDate), dueDate: String(input.dueDate) };
}

describe('reconciliation requested while a run is finishing', () => {
  it('runs again for a change requested after the run read its inputs but before its job left the queue', async () => {
    const owner = await connectAndSync();
    const [early, late] = await invoicesPaidBy(owner.id, 2);
    const logger = createLogger('silent');
    const prefix = `passerelle-test:${randomUUID()}:`;
    const runner = await createJobRunner({
      redisUrl: testTarget === 'services' ? TEST_REDIS_URL : undefined,
      prefix: `${prefix}jobs`,
      logger,
    });
    const { held, firstFinished, release } = holdingFinishedJobs(runner);
    // Only this service is asked to reconcile: the invoices are written without the gateway's hook.
    const invoices = new InvoicesService({ dataSource: gateway.dataSource });
    const reconciliation = new ReconciliationService({
      dataSource: gateway.dataSource,
      events: new EventsService(gateway.dataSource, gateway.messaging, logger),
      jobs: held,
    });
    try {
      await invoices.upsert(owner.id, [draftOf(early)]);
      await reconciliation.request(owner.id);
      await firstFinished;
      await invoices.upsert(owner.id, [draftOf(late)]);
      await reconciliation.request(owner.id);
      release();
      await runner.whenIdle();

      const matched = (await gateway.dataSource.query(
        `SELECT i.number FROM "match" m JOIN invoice i ON i.id = m.invoice_id WHERE m.owner_id = $1 AND m.state <> 'REJECTED'`,
        [owner.id],
      )) as Array<{ number: string }>;
      expect(matched.map((row) => row.number).sort()).toEqual([early.number, late.number].sort());
    } finally {
      release();
      await runner.close();
      if (testTarget === 'services') await deleteRedisKeys(prefix);
    }
  });
});
