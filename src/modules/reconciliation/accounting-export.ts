/**
 * The accounting export of reconciled entries: each confirmed match becomes a bank journal entry (debit the bank,
 * credit the customer, and debit a settlement difference when an underpayment was written off), as CSV or as a
 * French FEC file. Pure: rows in, text out.
 */
import Decimal from 'decimal.js';
import { stringify } from 'csv-stringify/sync';

export enum AccountingExportFormat {
  /** One row per journal line, decimal point, every currency. */
  CSV = 'CSV',
  /** Fichier des écritures comptables: the 18 columns French tax law asks for, tab-separated, euros only. */
  FEC = 'FEC',
}

/** One export, ready to download. */
export interface AccountingExportFile {
  format: AccountingExportFormat;
  fileName: string;
  contentType: string;
  /** Journal entries in the file. */
  entryCount: number;
  /** Reconciled matches left out: not in euros, for a FEC. */
  skippedCount: number;
  content: string;
}

/** One reconciled match, as the export reads it. */
export interface ReconciledEntry {
  matchId: string;
  transactionId: string;
  /** When the money reached the bank. */
  bookingDate: string;
  /** When the match was confirmed, by the engine or the owner. */
  validatedOn: string;
  invoiceNumber: string;
  invoiceDate: string;
  customerName: string;
  amount: string;
  writtenOff: string;
  currency: string;
}

interface EntryLine {
  entryNumber: number;
  date: string;
  account: string;
  accountLabel: string;
  auxiliaryAccount: string;
  auxiliaryLabel: string;
  reference: string;
  referenceDate: string;
  label: string;
  debit: Decimal;
  credit: Decimal;
  validatedOn: string;
  currency: string;
  matchId: string;
  transactionId: string;
}

/** Plan comptable général accounts: 512 bank, 411 customers, 658 settlement differences (écarts de règlement). */
const BANK = { account: '512000', label: 'Banque' };
const CUSTOMERS = { account: '411000', label: 'Clients' };
const WRITE_OFF = { account: '658000', label: 'Charges diverses de gestion courante' };
const JOURNAL = { code: 'BQ', label: 'Banque' };

/** The 18 columns of the FEC, in order (LPF art. A47 A-1). */
const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

const CSV_COLUMNS = [
  'entryNumber',
  'date',
  'journal',
  'account',
  'accountLabel',
  'auxiliaryAccount',
  'auxiliaryLabel',
  'reference',
  'referenceDate',
  'label',
  'debit',
  'credit',
  'currency',
  'matchId',
  'transactionId',
] as const;

/** Entries numbered in date order, as a journal must be; each balances (debits equal credits). */
function journalLines(entries: ReconciledEntry[]): EntryLine[] {
  const ordered = [...entries].sort((a, b) => a.bookingDate.localeCompare(b.bookingDate) || a.matchId.localeCompare(b.matchId));
  return ordered.flatMap((entry, index) => {
    const amount = new Decimal(entry.amount);
    const writtenOff = new Decimal(entry.writtenOff);
    const common = {
      entryNumber: index + 1,
      date: entry.bookingDate,
      reference: entry.invoiceNumber,
      referenceDate: entry.invoiceDate,
      label: `Règlement ${entry.invoiceNumber} ${entry.customerName}`,
      validatedOn: entry.validatedOn,
      currency: entry.currency,
      matchId: entry.matchId,
      transactionId: entry.transactionId,
      auxiliaryAccount: '',
      auxiliaryLabel: '',
    };
    const zero = new Decimal(0);
    const lines: EntryLine[] = [
      { ...common, account: BANK.account, accountLabel: BANK.label, debit: amount, credit: zero },
      {
        ...common,
        account: CUSTOMERS.account,
        accountLabel: CUSTOMERS.label,
        auxiliaryAccount: customerAccount(entry.customerName),
        auxiliaryLabel: entry.customerName,
        debit: zero,
        credit: amount.plus(writtenOff),
      },
    ];
    if (!writtenOff.isZero()) lines.push({ ...common, account: WRITE_OFF.account, accountLabel: WRITE_OFF.label, debit: writtenOff, credit: zero });
    return lines;
  });
}

/** A customer's auxiliary account, derived from its name so the same customer always lands on the same account. */
function customerAccount(name: string): string {
  const letters = name.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  return `C${letters.slice(0, 16) || 'DIVERS'}`;
}

export function toCsv(entries: ReconciledEntry[]): string {
  return stringify(
    journalLines(entries).map((line) => ({
      ...line,
      journal: JOURNAL.code,
      debit: line.debit.toFixed(2),
      credit: line.credit.toFixed(2),
    })),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

/**
 * The FEC keeps the books in euros: entries in another currency are left out (they need the day's rate, which
 * Passerelle does not hold) and are reported by the caller. Amounts use a decimal comma and dates AAAAMMJJ, and no
 * field may hold a tab or a line break (BOI-CF-IOR-60-40-20).
 */
export function toFec(entries: ReconciledEntry[]): string {
  const lines = journalLines(entries.filter((entry) => entry.currency === 'EUR'));
  return stringify(
    lines.map((line) => [
      JOURNAL.code,
      JOURNAL.label,
      String(line.entryNumber),
      fecDate(line.date),
      line.account,
      line.accountLabel,
      line.auxiliaryAccount,
      fecText(line.auxiliaryLabel),
      fecText(line.reference),
      fecDate(line.referenceDate),
      fecText(line.label),
      fecAmount(line.debit),
      fecAmount(line.credit),
      '',
      '',
      fecDate(line.validatedOn),
      '',
      '',
    ]),
    { header: true, columns: [...FEC_COLUMNS], delimiter: '\t', quote: false, record_delimiter: 'windows' },
  );
}

function fecDate(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

function fecAmount(amount: Decimal): string {
  return amount.toFixed(2).replace('.', ',');
}

function fecText(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}
