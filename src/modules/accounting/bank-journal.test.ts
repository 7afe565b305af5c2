import { readFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import { fecProblems, parseFec, sum } from '../../../test/support/fec-checks';
import { buildJournal, type JournalEntry } from './bank-journal';
import { fecFileName, toFec } from './fec';
import { FIXED_LEDGER } from '../../../test/support/fixed-ledger';
import { toCsv } from './journal-csv';

const golden = (name: string) => readFileSync(path.join(__dirname, 'golden', name), 'utf8');
const journal = buildJournal(FIXED_LEDGER);
const bankEntries = journal.entries.filter((entry) => entry.journal.code === 'BQ');
const accountsOf = (entry: JournalEntry) =>
  entry.lines.map((line) => [line.account.number, line.debit.toFixed(2), line.credit.toFixed(2)]);
const entryFor = (transactionId: string) => bankEntries.find((entry) => entry.transactionId === transactionId)!;

describe('the bank journal of a period', () => {
  it('books every non-zero bank line once, and its 512 movements equal the bank lines to the cent', () => {
    const lines = FIXED_LEDGER.lines.filter((line) => !new Decimal(line.amount).isZero());
    expect(bankEntries.map((entry) => entry.transactionId).sort()).toEqual(lines.map((line) => line.id).sort());
    const bankMovement = bankEntries.flatMap((entry) =>
      entry.lines.filter((line) => line.account.number.startsWith('512')),
    );
    const net = bankMovement.reduce((total, line) => total.plus(line.debit).minus(line.credit), new Decimal(0));
    expect(net.toFixed(2)).toBe(lines.reduce((total, line) => total.plus(line.amount), new Decimal(0)).toFixed(2));
  });

  it('balances every entry', () => {
    for (const entry of journal.entries) {
      const debit = entry.lines.reduce((total, line) => total.plus(line.debit), new Decimal(0));
      const credit = entry.lines.reduce((total, line) => total.plus(line.credit), new Decimal(0));
      expect(`${entry.journal.code}${entry.number} ${debit.toFixed(2)}`).toBe(
        `${entry.journal.code}${entry.number} ${credit.toFixed(2)}`,
      );
    }
  });

  it('splits a card payout into each invoice’s gross and the processor’s fee, with the payout report as the piece', () => {
    expect(accountsOf(entryFor('t-04'))).toEqual([
      ['512100', '2175.37', '0.00'],
      ['627000', '24.63', '0.00'],
      ['411000', '0.00', '1200.00'],
      ['411000', '0.00', '1000.00'],
    ]);
    expect(
      entryFor('t-04')
        .lines.slice(0, 2)
        .map((line) => line.pieceRef),
    ).toEqual(['po_1QxA7', 'po_1QxA7']);
  });

  it('charges a written-off underpayment to 658 and keeps an overpayment on 4191 rather than absorbing it', () => {
    expect(accountsOf(entryFor('t-03'))).toEqual([
      ['512100', '995.50', '0.00'],
      ['411000', '0.00', '1000.00'],
      ['658000', '4.50', '0.00'],
    ]);
    expect(accountsOf(entryFor('t-05'))).toEqual([
      ['512100', '260.00', '0.00'],
      ['411000', '0.00', '250.00'],
      ['419100', '0.00', '10.00'],
    ]);
  });

  it('books a categorised line to its configured account, and unconfigured or uncategorised lines to suspense', () => {
    expect(accountsOf(entryFor('t-07'))).toEqual([
      ['512200', '0.00', '450.00'],
      ['613200', '450.00', '0.00'],
    ]);
    expect(accountsOf(entryFor('t-08'))[1]).toEqual(['471000', '89.90', '0.00']);
    expect(accountsOf(entryFor('t-10'))[1]).toEqual(['471000', '0.00', '99.99']);
    expect(journal.suspenseCount).toBe(3);
  });

  it('gives each bank account its own 512 sub-account, in IBAN order', () => {
    const numbers = new Map(bankEntries.map((entry) => [entry.lines[0].account.label, entry.lines[0].account.number]));
    expect(Object.fromEntries(numbers)).toEqual({
      'Banque Compte courant DE89370400440532013000': '512100',
      'Banque Épargne FR7630006000011234567890189': '512200',
      'Banque USD GB33BUKB20201555555555': '512300',
    });
  });

  it('validates each entry on the export’s day, and never before the entry’s own date', () => {
    expect(journal.entries.every((entry) => entry.validatedOn === '2026-11-03')).toBe(true);
    const early = buildJournal({ ...FIXED_LEDGER, validatedOn: '2026-10-15' });
    expect(
      early.entries.every((entry) => entry.validatedOn === (entry.date > '2026-10-15' ? entry.date : '2026-10-15')),
    ).toBe(true);
    expect(early.entries.some((entry) => entry.validatedOn > '2026-10-15')).toBe(true);
  });

  it('letters a settled invoice’s receivable and its settlements alike, and leaves open or earlier invoices unlettered', () => {
    const lettered = journal.entries.flatMap((entry) =>
      entry.lines.filter((line) => line.pieceRef === 'INV-102' && line.account.number === '411000'),
    );
    expect(lettered.map((line) => [line.letter, line.letterDate])).toEqual([
      ['AAB', '2026-10-15'],
      ['AAB', '2026-10-15'],
    ]);
    const unlettered = journal.entries.flatMap((entry) =>
      entry.lines.filter((line) => ['INV-109', 'INV-099'].includes(line.pieceRef)),
    );
    expect(unlettered.every((line) => line.letter === null)).toBe(true);
  });
});

describe('the FEC file', () => {
  const fec = toFec(journal);

  it('is the golden file for the fixed ledger', () => {
    expect(fec).toBe(golden('fixed-ledger.fec.txt'));
  });

  it('passes every check of the DGFiP test tool: columns, formats, balanced and continuously numbered entries', () => {
    expect(fecProblems(fec)).toEqual([]);
  });

  it('finds the problems it is meant to find', () => {
    const broken = fec
      .replace('\t1200,00\t0,00\tAAA\t20261014', '\t1200.00\t0,00\tAAA\t')
      .replace('BQ\tBanque\t2\t', 'BQ\tBanque\t12\t');
    expect(fecProblems(broken)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Debit 1200.00 is not an amount'),
        'line 2: EcritureLet and DateLet go together',
        'journal BQ: EcritureNum is not continuous from 1',
      ]),
    );
  });

  it('keeps the 512 total equal to the euro bank lines and leaves other currencies out', () => {
    const { rows } = parseFec(fec);
    const bank = rows.filter((row) => row.CompteNum.startsWith('512'));
    const euroLines = FIXED_LEDGER.lines.filter((line) => line.currency === 'EUR');
    expect(sum(bank, 'Debit').minus(sum(bank, 'Credit')).toFixed(2)).toBe(
      euroLines.reduce((total, line) => total.plus(line.amount), new Decimal(0)).toFixed(2),
    );
    expect(rows.some((row) => row.PieceRef === 'INV-108')).toBe(false);
  });

  it('is named after the SIREN and the end of the period', () => {
    expect(fecFileName('552100554', '2026-10-31')).toBe('552100554FEC20261031.txt');
  });
});

describe('the CSV file', () => {
  it('is the golden file for the fixed ledger, in every currency, with formulas defused', () => {
    const csv = toCsv(journal);
    expect(csv).toBe(golden('fixed-ledger.csv'));
    expect(csv).toContain(`"'-Minus Corp =HYPERLINK(""http://x"")"`);
    expect(csv).toContain(',USD,');
  });
});
