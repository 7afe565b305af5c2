import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetInput, readDataset } from './dataset';

function datasetWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reconciliation-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(content));
  return dir;
}

const invoice = {
  id: 'I1',
  number: 'INV-1',
  customerName: 'Data Sud',
  customerIban: null,
  amount: '10.00',
  currency: 'EUR',
  issueDate: '2026-01-01',
  dueDate: '2026-01-31',
};

describe('reading a labelled reconciliation dataset', () => {
  it('reads a valid set, payouts and truth being optional', () => {
    const dataset = readDataset(datasetWith({ 'invoices.json': [invoice], 'transactions.json': [] }));
    expect(dataset).toMatchObject({ invoices: [invoice], transactions: [], payouts: [], knownPayers: [], truth: null });
  });

  it("passes the owner's history to the engine as its memory of confirmed payers", () => {
    const knownPayers = [{ payerName: 'DATA SUD SAS', payerIban: null, customerName: 'Data Sud' }];
    const dataset = readDataset(
      datasetWith({ 'invoices.json': [invoice], 'transactions.json': [], 'history.json': { knownPayers } }),
    );
    expect(datasetInput(dataset).memory).toEqual({ knownPayers });
  });

  it('names the field of a bad history entry', () => {
    const dir = datasetWith({
      'invoices.json': [invoice],
      'transactions.json': [],
      'history.json': { knownPayers: [{ payerName: 'X' }] },
    });
    expect(() => readDataset(dir)).toThrow(/history\.json: field "knownPayers\.0\.customerName"/);
  });

  it('names the file, the record and the field of a bad value', () => {
    const dir = datasetWith({ 'invoices.json': [invoice, { ...invoice, amount: 12.5 }], 'transactions.json': [] });
    expect(() => readDataset(dir)).toThrow(/invoices\.json: record 1, field "amount"/);
  });

  it('refuses money written with sub-cent precision', () => {
    const dir = datasetWith({ 'invoices.json': [{ ...invoice, amount: '10.005' }], 'transactions.json': [] });
    expect(() => readDataset(dir)).toThrow(/field "amount": a decimal amount/);
  });

  it('says which file is not JSON', () => {
    const dir = datasetWith({ 'invoices.json': [invoice] });
    writeFileSync(join(dir, 'transactions.json'), '{ nope');
    expect(() => readDataset(dir)).toThrow(/transactions\.json: cannot read JSON/);
  });
});
