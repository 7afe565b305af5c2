import { toCsv, toFec, type ReconciledEntry } from './accounting-export';

const entry = (overrides: Partial<ReconciledEntry>): ReconciledEntry => ({
  matchId: 'm1',
  transactionId: 't1',
  bookingDate: '2026-10-14',
  validatedOn: '2026-10-15',
  invoiceNumber: 'INV-2026-0042',
  invoiceDate: '2026-09-30',
  customerName: 'Atelier Dubois',
  amount: '1200.00000',
  writtenOff: '0.00000',
  currency: 'EUR',
  ...overrides,
});

function fecRows(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n').map((line) => line.split('\t'));
}

describe('the FEC export', () => {
  it('writes the 18 FEC columns, tab-separated, with decimal commas and AAAAMMJJ dates', () => {
    const [header, bank, customer] = fecRows(toFec([entry({})]));
    expect(header).toEqual([
      'JournalCode', 'JournalLib', 'EcritureNum', 'EcritureDate', 'CompteNum', 'CompteLib', 'CompAuxNum', 'CompAuxLib', 'PieceRef',
      'PieceDate', 'EcritureLib', 'Debit', 'Credit', 'EcritureLet', 'DateLet', 'ValidDate', 'Montantdevise', 'Idevise',
    ]);
    expect(bank).toEqual(['BQ', 'Banque', '1', '20261014', '512000', 'Banque', '', '', 'INV-2026-0042', '20260930', 'Règlement INV-2026-0042 Atelier Dubois', '1200,00', '0,00', '', '', '20261015', '', '']);
    expect(customer.slice(4, 8)).toEqual(['411000', 'Clients', 'CATELIERDUBOIS', 'Atelier Dubois']);
    expect(customer.slice(11, 13)).toEqual(['0,00', '1200,00']);
  });

  it('balances an underpayment settled within tolerance with a settlement-difference line', () => {
    const rows = fecRows(toFec([entry({ amount: '1195.50', writtenOff: '4.50' })])).slice(1);
    expect(rows.map((row) => [row[4], row[11], row[12]])).toEqual([
      ['512000', '1195,50', '0,00'],
      ['411000', '0,00', '1200,00'],
      ['658000', '4,50', '0,00'],
    ]);
  });

  it('numbers entries in date order, leaves out other currencies, and keeps tabs out of every field', () => {
    const rows = fecRows(
      toFec([
        entry({ matchId: 'late', bookingDate: '2026-11-02', customerName: 'Tab\tCorp' }),
        entry({ matchId: 'usd', currency: 'USD' }),
        entry({ matchId: 'early', bookingDate: '2026-10-01' }),
      ]),
    ).slice(1);
    expect(rows.map((row) => [row[2], row[3]])).toEqual([['1', '20261001'], ['1', '20261001'], ['2', '20261102'], ['2', '20261102']]);
    expect(rows.every((row) => row.length === 18)).toBe(true);
    expect(rows[3][7]).toBe('Tab Corp');
  });
});

describe('the CSV export', () => {
  it('writes one row per journal line in every currency, with a decimal point and quoting where needed', () => {
    const csv = toCsv([entry({ customerName: 'Dubois, Fils & Cie' }), entry({ matchId: 'm2', currency: 'USD', amount: '80.1' })]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('entryNumber,date,journal,account,accountLabel,auxiliaryAccount,auxiliaryLabel,reference,referenceDate,label,debit,credit,currency,matchId,transactionId');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain('"Dubois, Fils & Cie"');
    expect(lines[2]).toContain(',0.00,1200.00,EUR,m1,t1');
    expect(lines[3]).toContain(',80.10,0.00,USD,m2,t1');
  });
});
