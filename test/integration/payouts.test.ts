import Decimal from 'decimal.js';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import {
  ImportPayoutsDocument,
  MatchesDocument,
  PayoutsDocument,
  RejectMatchDocument,
  UpsertInvoicesDocument,
} from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { eventually, subscribe } from '../support/subscriptions';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

/** A card processor's payout credit the sandbox bank booked, with the payout id it quotes. */
async function syncedPayout(ownerId: string) {
  const lines = await gateway.dataSource
    .getRepository(Transaction)
    .find({ where: { ownerId, status: 'BOOKED' as never }, order: { date: 'DESC' } });
  for (const line of lines) {
    const payoutId = /PAYOUT (\S+)/.exec(line.remittanceInformation ?? '')?.[1];
    if (payoutId && new Decimal(line.amount).gt(10)) return { line, payoutId };
  }
  throw new Error('the sandbox bank booked no card payout for this user');
}

/** The processor's report for that credit: two card payments of two invoices, each net of a 1.00 fee. */
function reportFor(line: Transaction, payoutId: string) {
  const total = new Decimal(line.amount);
  const first = total.dividedBy(2).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const nets = [first, total.minus(first)];
  return {
    payoutId,
    arrivalDate: line.date,
    amount: total.toFixed(2),
    currency: line.currency,
    items: nets.map((net, index) => ({
      chargeId: `ch_${index}`,
      invoiceNumber: `CARD-${payoutId}-${index}`,
      customerName: `Card customer ${index}`,
      gross: net.plus(1).toFixed(2),
      fee: '-1.00',
      net: net.toFixed(2),
    })),
  };
}

describe('card-processor payouts', () => {
  it('settle the invoices their report lists when the payout reaches the bank', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
    await gateway.jobs.whenIdle();
    const { line, payoutId } = await syncedPayout(owner.id);
    const report = reportFor(line, payoutId);
    const invoices = report.items.map((item) => ({
      number: item.invoiceNumber,
      customerName: item.customerName,
      amount: item.gross,
      currency: report.currency,
      issueDate: line.date,
      dueDate: line.date,
    }));
    expect(
      (await gateway.graphql(UpsertInvoicesDocument, { input: invoices }, owner.apiKey)).body.errors,
    ).toBeUndefined();

    const imported = await gateway.graphql(ImportPayoutsDocument, { input: [report] }, owner.apiKey);
    expect(imported.body.data!.importPayouts).toEqual([expect.objectContaining({ payoutId, itemCount: 2 })]);
    await gateway.jobs.whenIdle();

    const matches = (
      await gateway.graphql(MatchesDocument, { transactionId: line.id }, owner.apiKey)
    ).body.data!.matches.edges.map((edge) => edge.node);
    expect(matches.map((match) => match.invoice.number).sort()).toEqual(
      invoices.map((invoice) => invoice.number).sort(),
    );
    for (const match of matches) expect(match.invoice.status).toBe('PAID');

    // Importing the same report again changes nothing.
    await gateway.graphql(ImportPayoutsDocument, { input: [report] }, owner.apiKey);
    await gateway.jobs.whenIdle();
    expect((await gateway.graphql(PayoutsDocument, {}, owner.apiKey)).body.data!.payouts).toHaveLength(1);
    expect(
      (await gateway.graphql(MatchesDocument, { transactionId: line.id }, owner.apiKey)).body.data!.matches.edges.map(
        (edge) => edge.node,
      ),
    ).toHaveLength(2);
  });

  it('re-runs the whole payout when the owner rejects one of its pairs, leaving no orphan pair and streaming each change', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
    await gateway.jobs.whenIdle();
    const { line, payoutId } = await syncedPayout(owner.id);
    const report = reportFor(line, payoutId);
    const invoices = report.items.map((item) => ({
      number: item.invoiceNumber,
      customerName: item.customerName,
      amount: item.gross,
      currency: report.currency,
      issueDate: line.date,
      dueDate: line.date,
    }));
    await gateway.graphql(UpsertInvoicesDocument, { input: invoices }, owner.apiKey);
    await gateway.graphql(ImportPayoutsDocument, { input: [report] }, owner.apiKey);
    await gateway.jobs.whenIdle();
    const pairsOf = async () =>
      (await gateway.graphql(MatchesDocument, { transactionId: line.id }, owner.apiKey)).body.data!.matches.edges.map(
        (edge) => edge.node,
      );
    const pairs = await pairsOf();
    // The owner rejects the first card payment's pair; the second's item still names its own invoice.
    const rejected = pairs.find((pair) => pair.invoice.number === invoices[0].number)!;
    const sibling = pairs.find((pair) => pair.invoice.number === invoices[1].number)!;
    const stream = subscribe<{ reconciliationUpdated: { state: string; match: { id: string; withdrawn: boolean } } }>(
      gateway.url,
      owner.apiKey,
      'subscription($after: String) { reconciliationUpdated(after: $after) { state match { id withdrawn } } }',
      { after: '0' },
    );

    expect((await gateway.graphql(RejectMatchDocument, { id: rejected.id }, owner.apiKey)).body.errors).toBeUndefined();
    await gateway.jobs.whenIdle();

    const after = await pairsOf();
    expect(after.find((pair) => pair.id === rejected.id)).toMatchObject({ state: 'REJECTED', withdrawn: false });
    // The sibling was withdrawn with it, then proposed again by the re-run (keeping its id) in a new link: no pair of
    // the old link stands. How sure the engine now is of it is the engine's business.
    const [again, ...others] = after.filter((pair) => pair.id !== rejected.id);
    expect(others).toEqual([]);
    expect(again).toMatchObject({
      id: sibling.id,
      withdrawn: false,
      state: expect.stringMatching(/^(AUTO_CONFIRMED|SUGGESTED)$/),
    });
    const states = ['AUTO_CONFIRMED', 'AUTO_CONFIRMED', 'REJECTED', 'REJECTED', again.state];
    await eventually(() => expect(stream.received.map((event) => event.reconciliationUpdated.state)).toEqual(states));
    expect(stream.received.slice(2).map((event) => event.reconciliationUpdated.match.id)).toEqual([
      rejected.id,
      sibling.id,
      sibling.id,
    ]);
    expect(
      await gateway.dataSource.query(
        `SELECT count(DISTINCT link_id)::int AS links FROM "match" WHERE transaction_id = $1`,
        [line.id],
      ),
    ).toEqual([{ links: 2 }]);
    stream.close();
  });

  it.each([
    [
      (r: ReturnType<typeof reportFor>) => ({ ...r, items: [{ ...r.items[0], net: '1.00' }, r.items[1]] }),
      'input[0].items[0].net',
      /gross \+ fee/,
    ],
    [
      (r: ReturnType<typeof reportFor>) => ({ ...r, items: [{ ...r.items[0], fee: '2.00' }, r.items[1]] }),
      'input[0].items[0].fee',
      /zero or negative/,
    ],
    [(r: ReturnType<typeof reportFor>) => ({ ...r, amount: '1.00' }), 'input[0].amount', /sum of the items/],
    [(r: ReturnType<typeof reportFor>) => ({ ...r, items: [] }), 'input[0].items', /at least one item/],
    [(r: ReturnType<typeof reportFor>) => ({ ...r, currency: 'euro' }), 'input[0].currency', /ISO 4217/],
  ])(
    'refuse a report that does not add up, naming the field (case %#), and write nothing',
    async (spoil, field, message) => {
      const owner = await gateway.makeOwner();
      const base = reportFor({ amount: '100.00', date: '2026-11-02', currency: 'EUR' } as Transaction, 'po_test');
      const { body } = await gateway.graphql(ImportPayoutsDocument, { input: [spoil(base)] }, owner.apiKey);
      expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
      expect(body.errors![0].message).toMatch(message);
      expect((await gateway.graphql(PayoutsDocument, {}, owner.apiKey)).body.data!.payouts).toEqual([]);
    },
  );
});
