/**
 * The bank journal of a period, from plain domain rows: every booked bank line is one balanced entry, so the 512
 * movements add up to the bank statement to the cent. Pure: rows in, entries out; the FEC and CSV writers format it.
 *
 * A credit the owner (or the engine, on decisive evidence) settled against invoices credits each customer (411) with
 * what it paid and any write-off (658); a card payout also debits the processor's fee (627), so the 512 line is the
 * net that reached the bank while the customers are credited the gross. Money beyond what the invoices asked goes to
 * 4191, never absorbed; a categorised line goes to its category's account; anything else to suspense (471). Invoices
 * issued in the period are in a sales journal, so that an invoice and its settlement carry the same letter.
 */
import Decimal from 'decimal.js';
import {
  ACCOUNTS,
  JOURNALS,
  bankAccountNumber,
  customerAccount,
  type CategoryAccounts,
  type LedgerAccount,
} from './chart-of-accounts';

export interface BankAccountRow {
  id: string;
  iban: string | null;
  name: string;
}

/** A booked bank line. */
export interface BankLineRow {
  id: string;
  accountId: string;
  /** The bank's own id of the line: the piece an auditor finds on the statement. */
  reference: string;
  date: string;
  /** Signed decimal: positive is money in. */
  amount: string;
  currency: string;
  counterpartyName: string | null;
  remittance: string | null;
  category: string | null;
}

/** A validated (auto-confirmed or confirmed) allocation of a bank line to an invoice. */
export interface SettlementRow {
  transactionId: string;
  invoiceId: string;
  amount: string;
  writtenOff: string;
  /** The processor's payout the line pays out, when the engine tied it to one. */
  payoutId: string | null;
}

export interface InvoiceRow {
  id: string;
  number: string;
  customerName: string;
  issueDate: string;
  amount: string;
  currency: string;
}

export interface PayoutRow {
  payoutId: string;
  arrivalDate: string;
  /** What the processor kept, as a positive decimal. */
  fees: string;
}

export interface JournalInput {
  from: string;
  to: string;
  /** Every account of the owner, so each keeps its 512 sub-account whichever lines a period holds. */
  accounts: BankAccountRow[];
  lines: BankLineRow[];
  settlements: SettlementRow[];
  /** Invoices issued in the period, and those the period's settlements name. */
  invoices: InvoiceRow[];
  payouts: PayoutRow[];
  categoryAccounts: CategoryAccounts;
  /** When the entries are validated: the export's own day. */
  validatedOn: string;
}

export interface JournalLine {
  account: LedgerAccount;
  auxiliary: LedgerAccount | null;
  pieceRef: string;
  pieceDate: string;
  label: string;
  debit: Decimal;
  credit: Decimal;
  /** Set on a settled invoice's 411 lines: the same on its debit and every settlement. */
  letter: string | null;
  letterDate: string | null;
  /** The invoice a 411 line is about, for lettering. */
  invoiceId: string | null;
}

export interface JournalEntry {
  journal: { code: string; label: string };
  /** Continuous per journal, in date order. */
  number: number;
  date: string;
  validatedOn: string;
  currency: string;
  /** The bank line an entry of the bank journal books. */
  transactionId: string | null;
  lines: JournalLine[];
}

export interface Journal {
  entries: JournalEntry[];
  /** Bank lines nothing identified, booked to 471. */
  suspenseCount: number;
}

const ZERO = new Decimal(0);

export function buildJournal(input: JournalInput): Journal {
  const invoices = new Map(input.invoices.map((invoice) => [invoice.id, invoice]));
  const payouts = new Map(input.payouts.map((payout) => [payout.payoutId, payout]));
  const bankAccounts = bankAccountsOf(input.accounts);
  const settlementsByLine = groupBy(input.settlements, (settlement) => settlement.transactionId);
  // A zero line moves no money: it would be an entry of zeros, which no journal accepts.
  const lines = input.lines
    .filter((line) => !new Decimal(line.amount).isZero())
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  let suspenseCount = 0;
  const bank = lines.map((line) => {
    const account = bankAccounts.get(line.accountId);
    if (!account) throw new RangeError(`bank line ${line.id} is on an account not in the input`);
    const entry = bankEntry(
      line,
      account,
      settlementsByLine.get(line.id) ?? [],
      invoices,
      payouts,
      input.categoryAccounts,
    );
    if (entry.lines.some((journalLine) => journalLine.account === ACCOUNTS.suspense)) suspenseCount += 1;
    return entry;
  });
  const sales = input.invoices
    .filter((invoice) => invoice.issueDate >= input.from && invoice.issueDate <= input.to)
    .sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.number.localeCompare(b.number))
    .map(salesEntry);
  const entries = [
    ...number(sales, JOURNALS.sales, input.validatedOn),
    ...number(bank, JOURNALS.bank, input.validatedOn),
  ];
  entries.forEach(assertBalanced);
  letter(entries);
  return {
    entries: entries.sort(
      (a, b) => a.date.localeCompare(b.date) || a.journal.code.localeCompare(b.journal.code) || a.number - b.number,
    ),
    suspenseCount,
  };
}

type Draft = Omit<JournalEntry, 'journal' | 'number' | 'validatedOn'>;

function number(drafts: Draft[], journal: { code: string; label: string }, validatedOn: string): JournalEntry[] {
  // An entry cannot be validated before its own date (an invoice dated ahead of the export).
  return drafts.map((draft, index) => ({
    ...draft,
    journal,
    number: index + 1,
    validatedOn: draft.date > validatedOn ? draft.date : validatedOn,
  }));
}

/** 512 sub-accounts by IBAN order; an account without an IBAN (a card account) sorts after, by id. */
function bankAccountsOf(accounts: BankAccountRow[]): Map<string, LedgerAccount> {
  const ordered = [...accounts].sort((a, b) => (a.iban ?? `~${a.id}`).localeCompare(b.iban ?? `~${b.id}`));
  return new Map(
    ordered.map((account, position) => [
      account.id,
      {
        number: bankAccountNumber(position),
        label: `Banque ${account.name}${account.iban ? ` ${account.iban}` : ''}`.trim(),
      },
    ]),
  );
}

function bankEntry(
  line: BankLineRow,
  bank: LedgerAccount,
  settlements: SettlementRow[],
  invoices: Map<string, InvoiceRow>,
  payouts: Map<string, PayoutRow>,
  categoryAccounts: CategoryAccounts,
): Draft {
  const amount = new Decimal(line.amount);
  const label = bankLabel(line);
  const payout =
    settlements.map((settlement) => settlement.payoutId && payouts.get(settlement.payoutId)).find(Boolean) || null;
  const piece = {
    pieceRef: payout ? payout.payoutId : line.reference,
    pieceDate: payout ? payout.arrivalDate : line.date,
  };
  const lines: JournalLine[] = [journalLine(bank, null, piece, label, amount)];
  if (payout && amount.greaterThan(0) && new Decimal(payout.fees).greaterThan(0))
    lines.push(
      journalLine(ACCOUNTS.processorFees, null, piece, `Commission ${payout.payoutId}`, new Decimal(payout.fees)),
    );
  for (const settlement of amount.greaterThan(0) ? settlements : []) {
    lines.push(...settlementLines(settlement, invoices.get(settlement.invoiceId)!));
  }
  const rest = lines.reduce((sum, journalLine) => sum.minus(journalLine.debit).plus(journalLine.credit), ZERO);
  if (!rest.isZero()) lines.push(restLine(line, rest, settlements, invoices, payout, categoryAccounts, piece, label));
  return { date: line.date, currency: line.currency, transactionId: line.id, lines };
}

/** The customer is credited what it paid and what was written off; the write-off is a charge. */
function settlementLines(settlement: SettlementRow, invoice: InvoiceRow): JournalLine[] {
  const piece = { pieceRef: invoice.number, pieceDate: invoice.issueDate };
  const customer = { number: customerAccount(invoice.customerName), label: invoice.customerName };
  const writtenOff = new Decimal(settlement.writtenOff);
  const settled = new Decimal(settlement.amount).plus(writtenOff);
  const lines: JournalLine[] = [
    {
      ...journalLine(
        ACCOUNTS.customers,
        customer,
        piece,
        `Règlement ${invoice.number} ${invoice.customerName}`,
        settled.negated(),
      ),
      invoiceId: invoice.id,
    },
  ];
  if (!writtenOff.isZero())
    lines.push(
      journalLine(ACCOUNTS.settlementDifferences, null, piece, `Écart de règlement ${invoice.number}`, writtenOff),
    );
  return lines;
}

/**
 * What the entry still needs to balance (positive: a debit is missing). Beyond what settled invoices asked it is an
 * overpayment by the last invoice's customer; on a payout, gross the report lists for no known invoice; otherwise the
 * line's category account, or suspense.
 */
function restLine(
  line: BankLineRow,
  rest: Decimal,
  settlements: SettlementRow[],
  invoices: Map<string, InvoiceRow>,
  payout: PayoutRow | null,
  categoryAccounts: CategoryAccounts,
  piece: { pieceRef: string; pieceDate: string },
  label: string,
): JournalLine {
  const last = settlements.at(-1);
  if (last && !payout && rest.lessThan(0)) {
    const invoice = invoices.get(last.invoiceId)!;
    const customer = { number: customerAccount(invoice.customerName), label: invoice.customerName };
    return journalLine(
      ACCOUNTS.customerOverpayments,
      customer,
      { pieceRef: invoice.number, pieceDate: invoice.issueDate },
      `Trop-perçu ${invoice.number} ${invoice.customerName}`,
      rest,
    );
  }
  const category = settlements.length === 0 && line.category ? categoryAccounts[line.category] : undefined;
  return journalLine(category ?? ACCOUNTS.suspense, null, piece, label, rest);
}

function salesEntry(invoice: InvoiceRow): Draft {
  const amount = new Decimal(invoice.amount);
  const piece = { pieceRef: invoice.number, pieceDate: invoice.issueDate };
  const label = `Facture ${invoice.number} ${invoice.customerName}`;
  const customer = { number: customerAccount(invoice.customerName), label: invoice.customerName };
  return {
    date: invoice.issueDate,
    currency: invoice.currency,
    transactionId: null,
    lines: [
      { ...journalLine(ACCOUNTS.customers, customer, piece, label, amount), invoiceId: invoice.id },
      journalLine(ACCOUNTS.sales, null, piece, label, amount.negated()),
    ],
  };
}

/** A positive signed amount is a debit, a negative one a credit. */
function journalLine(
  account: LedgerAccount,
  auxiliary: LedgerAccount | null,
  piece: { pieceRef: string; pieceDate: string },
  label: string,
  signed: Decimal,
): JournalLine {
  return {
    account,
    auxiliary,
    ...piece,
    label,
    debit: signed.greaterThan(0) ? signed : ZERO,
    credit: signed.lessThan(0) ? signed.negated() : ZERO,
    letter: null,
    letterDate: null,
    invoiceId: null,
  };
}

function bankLabel(line: BankLineRow): string {
  const text = [line.counterpartyName, line.remittance].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
  return (text || (new Decimal(line.amount).greaterThan(0) ? 'Crédit' : 'Débit')).slice(0, 200);
}

function assertBalanced(entry: JournalEntry): void {
  const debit = entry.lines.reduce((sum, line) => sum.plus(line.debit), ZERO);
  const credit = entry.lines.reduce((sum, line) => sum.plus(line.credit), ZERO);
  if (!debit.equals(credit))
    throw new RangeError(`entry ${entry.journal.code}${entry.number} does not balance: ${debit} ≠ ${credit}`);
}

/**
 * An invoice whose receivable is in the file and whose 411 credits in the file add up to it is settled: its debit and
 * settlements get one letter (AAA, AAB…, in settlement order), dated by the last settlement.
 */
function letter(entries: JournalEntry[]): void {
  const byInvoice = new Map<string, Array<{ entry: JournalEntry; line: JournalLine }>>();
  for (const entry of entries) {
    for (const line of entry.lines) {
      if (!line.invoiceId || line.account !== ACCOUNTS.customers) continue;
      const lines = byInvoice.get(line.invoiceId) ?? [];
      lines.push({ entry, line });
      byInvoice.set(line.invoiceId, lines);
    }
  }
  const settled = [...byInvoice.values()]
    .filter(
      (lines) =>
        lines.some(({ line }) => line.debit.greaterThan(0)) &&
        lines.reduce((sum, { line }) => sum.plus(line.debit).minus(line.credit), ZERO).isZero(),
    )
    .map((lines) => ({
      lines,
      on: lines
        .map(({ entry }) => entry.date)
        .sort()
        .at(-1)!,
      piece: lines[0].line.pieceRef,
    }))
    .sort((a, b) => a.on.localeCompare(b.on) || a.piece.localeCompare(b.piece));
  settled.forEach(({ lines, on }, index) => {
    for (const { line } of lines) Object.assign(line, { letter: letterCode(index), letterDate: on });
  });
}

/** AAA, AAB… ZZZ, then BAAA…: codes of letters only, as most software expects. */
function letterCode(index: number): string {
  let code = '';
  let rest = index;
  do {
    code = String.fromCharCode(65 + (rest % 26)) + code;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return code.padStart(3, 'A');
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row)) ?? [];
    group.push(row);
    groups.set(key(row), group);
  }
  return groups;
}
