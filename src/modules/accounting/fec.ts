/**
 * The Fichier des écritures comptables (LPF art. L47 A, format of art. A47 A-1): the 18 columns in order, one line per
 * journal line, tab-separated, dates AAAAMMJJ, amounts with a decimal comma and no thousands separator. The FEC keeps
 * the books in euros: entries in another currency need the day's rate, which Passerelle does not hold, so they are
 * left out and counted by the caller.
 */
import type Decimal from 'decimal.js';
import type { Journal, JournalEntry } from './bank-journal';
import { escapeFormula } from './formula-escape';

export const FEC_COLUMNS = [
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

export const FEC_CURRENCY = 'EUR';

/** `<SIREN>FEC<AAAAMMJJ>.txt`, dated by the closing day of the period (art. A47 A-1, I). */
export function fecFileName(siren: string, through: string): string {
  return `${siren}FEC${fecDate(through)}.txt`;
}

/** The entries a FEC holds: euro entries only, renumbered so that each journal's numbers stay continuous. */
export function fecEntries(journal: Journal): JournalEntry[] {
  const next = new Map<string, number>();
  return journal.entries
    .filter((entry) => entry.currency === FEC_CURRENCY)
    .map((entry) => {
      const number = (next.get(entry.journal.code) ?? 0) + 1;
      next.set(entry.journal.code, number);
      return { ...entry, number };
    });
}

export function toFec(journal: Journal): string {
  const rows = fecEntries(journal).flatMap((entry) =>
    entry.lines.map((line) => [
      entry.journal.code,
      entry.journal.label,
      String(entry.number),
      fecDate(entry.date),
      line.account.number,
      fecText(line.account.label),
      line.auxiliary?.number ?? '',
      fecText(line.auxiliary?.label ?? ''),
      fecText(line.pieceRef),
      fecDate(line.pieceDate),
      fecText(line.label),
      fecAmount(line.debit),
      fecAmount(line.credit),
      line.letter ?? '',
      line.letterDate ? fecDate(line.letterDate) : '',
      fecDate(entry.validatedOn),
      '',
      '',
    ]),
  );
  return [[...FEC_COLUMNS], ...rows].map((row) => `${row.join('\t')}\r\n`).join('');
}

function fecDate(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

function fecAmount(amount: Decimal): string {
  return amount.toFixed(2).replace('.', ',');
}

/** No field may hold a tab or a line break (BOI-CF-IOR-60-40-20); a formula-looking text is defused. */
function fecText(text: string): string {
  return escapeFormula(text.replace(/[\t\r\n]+/g, ' ').trim());
}
