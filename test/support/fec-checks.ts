/**
 * The checks the DGFiP's own FEC test tool (Test Compta Demat) runs on a file, per LPF art. A47 A-1: the 18 columns
 * in order, every mandatory field filled and well formed, paired fields filled together, each entry balanced and
 * dated once, entry numbers continuous per journal, and the file balanced. Returns the problems found, one a line.
 */
import Decimal from 'decimal.js';
import { FEC_COLUMNS } from '../../src/modules/accounting/fec';

const DATE = /^\d{8}$/;
const AMOUNT = /^\d+,\d{2}$/;
const MANDATORY = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'ValidDate',
];
const DATES = ['EcritureDate', 'PieceDate', 'ValidDate'];
const PAIRS: Array<[string, string]> = [
  ['CompAuxNum', 'CompAuxLib'],
  ['EcritureLet', 'DateLet'],
  ['Montantdevise', 'Idevise'],
];

export type FecRow = Record<(typeof FEC_COLUMNS)[number], string>;

export function parseFec(text: string): { header: string[]; rows: FecRow[] } {
  const lines = text.split('\r\n');
  if (lines.at(-1) !== '') throw new Error('a FEC ends with a line break');
  const [header, ...body] = lines.slice(0, -1).map((line) => line.split('\t'));
  return {
    header,
    rows: body.map((cells) => Object.fromEntries(FEC_COLUMNS.map((column, index) => [column, cells[index]])) as FecRow),
  };
}

export function fecProblems(text: string): string[] {
  const { header, rows } = parseFec(text);
  const problems: string[] = [];
  if (header.join('\t') !== FEC_COLUMNS.join('\t'))
    problems.push(`header is not the 18 columns of A47 A-1 in order: ${header.join(',')}`);
  const lines = text.split('\r\n').slice(1, -1);
  lines.forEach((line, index) => {
    if (line.split('\t').length !== 18) problems.push(`line ${index + 2}: ${line.split('\t').length} fields, not 18`);
  });
  rows.forEach((row, index) => problems.push(...rowProblems(row, index + 2)));
  problems.push(...entryProblems(rows));
  return problems;
}

function rowProblems(row: FecRow, at: number): string[] {
  const problems: string[] = [];
  for (const column of MANDATORY) if (!row[column as keyof FecRow]) problems.push(`line ${at}: ${column} is empty`);
  for (const column of [...DATES, 'DateLet']) {
    const value = row[column as keyof FecRow];
    if (value && (!DATE.test(value) || !isCalendarDate(value)))
      problems.push(`line ${at}: ${column} ${value} is not a AAAAMMJJ date`);
  }
  for (const column of ['Debit', 'Credit'] as const)
    if (!AMOUNT.test(row[column]))
      problems.push(`line ${at}: ${column} ${row[column]} is not an amount with a decimal comma`);
  if (!/^[1-8]\d{2,}$/.test(row.CompteNum))
    problems.push(`line ${at}: CompteNum ${row.CompteNum} is not a PCG account`);
  if (!/^\d+$/.test(row.EcritureNum)) problems.push(`line ${at}: EcritureNum ${row.EcritureNum} is not a number`);
  const debit = new Decimal(row.Debit.replace(',', '.') || 0);
  const credit = new Decimal(row.Credit.replace(',', '.') || 0);
  if (debit.isZero() === credit.isZero()) problems.push(`line ${at}: exactly one of Debit and Credit must be non-zero`);
  for (const [a, b] of PAIRS)
    if (Boolean(row[a as keyof FecRow]) !== Boolean(row[b as keyof FecRow]))
      problems.push(`line ${at}: ${a} and ${b} go together`);
  if (row.ValidDate && row.ValidDate < row.EcritureDate) problems.push(`line ${at}: ValidDate before EcritureDate`);
  for (const [column, value] of Object.entries(row))
    if (/^[=+\-@]/.test(value) && !['Debit', 'Credit'].includes(column))
      problems.push(`line ${at}: ${column} starts like a formula`);
  return problems;
}

function entryProblems(rows: FecRow[]): string[] {
  const problems: string[] = [];
  const entries = new Map<string, FecRow[]>();
  for (const row of rows)
    entries.set(`${row.JournalCode}\t${row.EcritureNum}`, [
      ...(entries.get(`${row.JournalCode}\t${row.EcritureNum}`) ?? []),
      row,
    ]);
  const numbers = new Map<string, Array<{ number: number; date: string }>>();
  for (const [key, lines] of entries) {
    const [journal, number] = key.split('\t');
    if (!sum(lines, 'Debit').equals(sum(lines, 'Credit'))) problems.push(`entry ${journal} ${number} does not balance`);
    if (new Set(lines.map((line) => line.EcritureDate)).size !== 1)
      problems.push(`entry ${journal} ${number} has several dates`);
    numbers.set(journal, [...(numbers.get(journal) ?? []), { number: Number(number), date: lines[0].EcritureDate }]);
  }
  for (const [journal, list] of numbers) {
    const sorted = [...list].sort((a, b) => a.number - b.number);
    if (sorted.some((entry, index) => entry.number !== index + 1))
      problems.push(`journal ${journal}: EcritureNum is not continuous from 1`);
    if (sorted.some((entry, index) => index > 0 && entry.date < sorted[index - 1].date))
      problems.push(`journal ${journal}: entries not numbered in date order`);
  }
  if (!sum(rows, 'Debit').equals(sum(rows, 'Credit'))) problems.push('the file does not balance');
  const letters = new Map<string, FecRow[]>();
  for (const row of rows)
    if (row.EcritureLet)
      letters.set(`${row.CompteNum}\t${row.CompAuxNum}\t${row.EcritureLet}`, [
        ...(letters.get(`${row.CompteNum}\t${row.CompAuxNum}\t${row.EcritureLet}`) ?? []),
        row,
      ]);
  for (const [key, lettered] of letters)
    if (!sum(lettered, 'Debit').equals(sum(lettered, 'Credit')))
      problems.push(`letter ${key.replace(/\t/g, ' ')} does not balance`);
  return problems;
}

/** Total of a column, read with a decimal comma. */
export function sum(rows: FecRow[], column: 'Debit' | 'Credit'): Decimal {
  return rows.reduce((total, row) => total.plus(row[column].replace(',', '.')), new Decimal(0));
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10).replace(/-/g, '') === value;
}
