/**
 * The bank journal as CSV, for accounting tools other than French ones: one row per journal line, every currency,
 * a decimal point, ISO dates. The columns are documented in README.md ("Accounting export").
 */
import { stringify } from 'csv-stringify/sync';
import type { Journal } from './bank-journal';

export const CSV_COLUMNS = [
  'journal',
  'entryNumber',
  'date',
  'account',
  'accountLabel',
  'auxiliaryAccount',
  'auxiliaryLabel',
  'pieceRef',
  'pieceDate',
  'label',
  'debit',
  'credit',
  'currency',
  'letter',
  'letterDate',
  'validDate',
  'transactionId',
] as const;

export function toCsv(journal: Journal): string {
  const rows = journal.entries.flatMap((entry) =>
    entry.lines.map((line) => ({
      journal: entry.journal.code,
      entryNumber: entry.number,
      date: entry.date,
      account: line.account.number,
      accountLabel: line.account.label,
      auxiliaryAccount: line.auxiliary?.number ?? '',
      auxiliaryLabel: line.auxiliary?.label ?? '',
      pieceRef: line.pieceRef,
      pieceDate: line.pieceDate,
      label: line.label,
      debit: line.debit.toFixed(2),
      credit: line.credit.toFixed(2),
      currency: entry.currency,
      letter: line.letter ?? '',
      letterDate: line.letterDate ?? '',
      validDate: entry.validatedOn,
      transactionId: entry.transactionId ?? '',
    })),
  );
  // Amounts are never negative here (debit and credit columns), so escaping a leading "-" only touches text.
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
}
