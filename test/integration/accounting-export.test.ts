import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Decimal from 'decimal.js';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import {
  AccountingExportDocument,
  ImportPayoutsDocument,
  RejectMatchDocument,
  UpsertInvoicesDocument,
  type InvoiceInput,
} from '../generated/graphql';
import { fecProblems, parseFec, sum } from '../support/fec-checks';
import { connectSandbox } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

const BANK = 'Sandbox Berlin Group Bank';
const SIREN = '732829320';

/** The last full calendar quarter before today. */
function lastQuarter(today = new Date()): { from: string; to: string } {
  const start = new Date(Date.UTC(today.getUTCFullYear(), Math.floor(today.getUTCMonth() / 3) * 3 - 3, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 3, 0));
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

/**
 * The owner's invoicing as it would have been: an invoice for every credit quoting an invoice number, issued 20 days
 * before, and a processor's report (two card payments, 1.00 of fee each) for one payout credit.
 */
async function pushInvoicesAndPayout(apiKey: string, lines: Transaction[]) {
  const invoices = new Map<string, InvoiceInput>();
  for (const line of lines) {
    const number = /\bINV-\d{4}-\d{4}\b/.exec(line.remittanceInformation ?? '')?.[0];
    if (!number || invoices.has(number) || new Decimal(line.amount).lte(0)) continue;
    const issued = new Date(`${line.date}T00:00:00Z`);
    issued.setUTCDate(issued.getUTCDate() - 20);
    const issueDate = issued.toISOString().slice(0, 10);
    invoices.set(number, {
      number,
      customerName: line.counterpartyName!,
      amount: new Decimal(line.amount).toFixed(2),
      currency: line.currency,
      issueDate,
      dueDate: line.date,
    });
  }
  const payoutLine = lines.find(
    (line) => /PAYOUT po_/.test(line.remittanceInformation ?? '') && new Decimal(line.amount).gt(10),
  )!;
  const payoutId = /PAYOUT (\S+)/.exec(payoutLine.remittanceInformation!)![1];
  const first = new Decimal(payoutLine.amount).dividedBy(2).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const nets = [first, new Decimal(payoutLine.amount).minus(first)];
  const cards = nets.map((net, index): InvoiceInput => ({
    number: `CARD-${index}`,
    customerName: `Card customer ${index}`,
    amount: net.plus(1).toFixed(2),
    currency: 'EUR',
    issueDate: payoutLine.date,
    dueDate: payoutLine.date,
  }));
  const pushed = await gateway.graphql(UpsertInvoicesDocument, { input: [...invoices.values(), ...cards] }, apiKey);
  expect(pushed.body.errors).toBeUndefined();
  const items = nets.map((net, index) => ({
    chargeId: `ch_${index}`,
    invoiceNumber: `CARD-${index}`,
    gross: net.plus(1).toFixed(2),
    fee: '-1.00',
    net: net.toFixed(2),
  }));
  const report = {
    payoutId,
    arrivalDate: payoutLine.date,
    amount: new Decimal(payoutLine.amount).toFixed(2),
    currency: payoutLine.currency,
    items,
  };
  expect((await gateway.graphql(ImportPayoutsDocument, { input: [report] }, apiKey)).body.errors).toBeUndefined();
  await gateway.jobs.whenIdle();
  return { invoiceCount: invoices.size, payoutId };
}

describe('the accounting export of a quarter of sandbox activity', () => {
  it('books every booked line of the quarter, balances each entry, and keeps the 512 total equal to the bank’s', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, BANK, { validForDays: 180, historyDays: 400 });
    await gateway.jobs.whenIdle();
    const quarter = lastQuarter();
    const booked = (
      await gateway.dataSource
        .getRepository(Transaction)
        .find({ where: { ownerId: owner.id, status: 'BOOKED' as never } })
    ).filter((line) => !line.removedAt && line.date >= quarter.from && line.date <= quarter.to);
    const { invoiceCount, payoutId } = await pushInvoicesAndPayout(owner.apiKey, booked);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'passerelle-export-'));
    await promisify(execFile)('npx', [
      'ts-node',
      '--transpile-only',
      'scripts/export.ts',
      '--url',
      gateway.url,
      '--key',
      owner.apiKey,
      '--siren',
      SIREN,
      '--from',
      quarter.from,
      '--to',
      quarter.to,
      '--out-dir',
      dir,
    ]);
    expect((await readdir(dir)).sort()).toEqual(
      [`${SIREN}FEC${quarter.to.replace(/-/g, '')}.txt`, `journal-${quarter.from}-${quarter.to}.csv`].sort(),
    );

    const fec = await readFile(path.join(dir, `${SIREN}FEC${quarter.to.replace(/-/g, '')}.txt`), 'utf8');
    expect(fecProblems(fec)).toEqual([]);
    const { rows } = parseFec(fec);
    const bank = rows.filter((row) => row.CompteNum.startsWith('512'));
    const euros = booked.filter((line) => line.currency === 'EUR');
    expect(sum(bank, 'Debit').minus(sum(bank, 'Credit')).toFixed(2)).toBe(
      euros.reduce((total, line) => total.plus(line.amount), new Decimal(0)).toFixed(2),
    );
    expect(new Set(rows.filter((row) => row.JournalCode === 'BQ').map((row) => row.EcritureNum)).size).toBe(
      euros.length,
    );
    expect(rows.filter((row) => row.CompteNum === '627000')).toEqual([
      expect.objectContaining({ PieceRef: payoutId, Debit: '2,00' }),
    ]);
    const lettered = rows.filter((row) => row.CompteNum === '411000' && row.EcritureLet);
    expect(new Set(lettered.map((row) => row.PieceRef)).size).toBeGreaterThanOrEqual(Math.min(invoiceCount, 1));

    const { body } = await gateway.graphql(
      AccountingExportDocument,
      { format: 'CSV', from: quarter.from, to: quarter.to },
      owner.apiKey,
    );
    const suspense = body.data!.accountingExport.suspenseCount;
    // How much of a quarter nothing identifies (issue 16 asks for the number): printed, and bounded by the lines booked.
    // eslint-disable-next-line no-console
    console.info(
      `quarter ${quarter.from}..${quarter.to}: ${booked.length} booked lines, ${invoiceCount} invoices, ${suspense} lines to suspense (471)`,
    );
    expect(suspense).toBeLessThan(booked.length);
  }, 120_000);

  it('sends a line back to suspense once the owner rejects its match, and names the field of a bad SIREN or period', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, BANK, { validForDays: 180 });
    await gateway.jobs.whenIdle();
    const lines = await gateway.dataSource
      .getRepository(Transaction)
      .find({ where: { ownerId: owner.id, status: 'BOOKED' as never } });
    await pushInvoicesAndPayout(owner.apiKey, lines);
    const exported = async () =>
      (await gateway.graphql(AccountingExportDocument, { format: 'CSV' }, owner.apiKey)).body.data!.accountingExport;
    const before = await exported();
    const [match] = (await gateway.dataSource.query(
      `SELECT id FROM "match" WHERE owner_id = $1 AND state = 'AUTO_CONFIRMED' AND signals::text NOT LIKE '%PAYOUT%' LIMIT 1`,
      [owner.id],
    )) as Array<{ id: string }>;
    expect((await gateway.graphql(RejectMatchDocument, { id: match.id }, owner.apiKey)).body.errors).toBeUndefined();
    await gateway.jobs.whenIdle();
    expect((await exported()).suspenseCount).toBe(before.suspenseCount + 1);

    for (const [variables, field] of [
      [{ format: 'FEC', siren: '123456789' }, 'siren'],
      [{ format: 'CSV', from: '2026-10-02', to: '2026-10-01' }, 'from'],
      [{ format: 'CSV', accountIds: ['not-an-id'] }, 'accountIds'],
    ] as const) {
      const refused = await gateway.graphql(AccountingExportDocument, variables as never, owner.apiKey);
      expect(refused.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    }
  }, 60_000);
});
