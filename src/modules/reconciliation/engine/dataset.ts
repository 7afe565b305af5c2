/**
 * Reads a labelled reconciliation dataset (`../shared/datasets/reconciliation/FORMAT.md`): invoices, transactions,
 * payouts and, when present, the true links. Every record is validated, and a bad one is reported by file, record
 * and field, so a broken dataset fails loudly instead of skewing a measurement.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BankCredit, OpenInvoice, PayoutReport, ReconciliationInput } from './types';

const decimal = z.string().regex(/^-?\d+(\.\d{1,2})?$/, 'a decimal amount with at most 2 decimals');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');
const text = z.string().nullable().optional();

const invoiceSchema = z.object({
  id: z.string().min(1),
  number: z.string().min(1),
  customerName: z.string().min(1),
  customerIban: z.string().nullable(),
  amount: decimal,
  currency,
  issueDate: isoDate,
  dueDate: isoDate,
  structuredReference: text,
});

const transactionSchema = z.object({
  id: z.string().min(1),
  accountId: z.string().min(1),
  status: z.enum(['BOOKED', 'PENDING']),
  bookingDate: isoDate,
  valueDate: isoDate.nullable().optional(),
  amount: decimal,
  currency,
  counterpartyName: text,
  counterpartyIban: text,
  remittanceInformation: text,
  endToEndId: text,
});

const payoutSchema = z.object({
  payoutId: z.string().min(1),
  arrivalDate: isoDate,
  amount: decimal,
  currency,
  items: z.array(
    z.object({
      chargeId: z.string().min(1),
      invoiceNumber: text,
      customerName: text,
      description: text,
      gross: decimal,
      fee: decimal,
      net: decimal,
    }),
  ),
});

const truthSchema = z.object({
  transactionId: z.string().min(1),
  invoiceIds: z.array(z.string().min(1)).min(1),
  category: z.string().min(1),
});

export type DatasetTransaction = z.infer<typeof transactionSchema>;
export type TruthLink = z.infer<typeof truthSchema>;

export interface Dataset {
  invoices: OpenInvoice[];
  transactions: DatasetTransaction[];
  payouts: PayoutReport[];
  /** Absent for an unlabelled set. */
  truth: TruthLink[] | null;
}

export class DatasetError extends Error {}

function readArray<T>(dir: string, file: string, schema: z.ZodType<T>): T[] {
  const path = join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DatasetError(`${path}: cannot read JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(raw)) throw new DatasetError(`${path}: expected a JSON array`);
  return raw.map((record, position) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length > 0 ? issue.path.join('.') : '(record)';
      throw new DatasetError(`${path}: record ${position}, field "${field}": ${issue.message}`);
    }
    return parsed.data;
  });
}

export function readDataset(dir: string): Dataset {
  if (!existsSync(dir)) throw new DatasetError(`${dir}: no such dataset directory`);
  const invoices = readArray(dir, 'invoices.json', invoiceSchema);
  const transactions = readArray(dir, 'transactions.json', transactionSchema);
  const payouts = existsSync(join(dir, 'payouts.json')) ? readArray(dir, 'payouts.json', payoutSchema) : [];
  const truth = existsSync(join(dir, 'truth.json')) ? readArray(dir, 'truth.json', truthSchema) : null;
  return { invoices, transactions, payouts, truth };
}

export function datasetCredit(transaction: DatasetTransaction): BankCredit {
  return {
    id: transaction.id,
    amount: transaction.amount,
    currency: transaction.currency,
    status: transaction.status,
    bookingDate: transaction.bookingDate,
    counterpartyName: transaction.counterpartyName,
    counterpartyIban: transaction.counterpartyIban,
    remittanceUnstructured: transaction.remittanceInformation,
    endToEndId: transaction.endToEndId,
  };
}

export function datasetInput(dataset: Dataset): ReconciliationInput {
  return { invoices: dataset.invoices, credits: dataset.transactions.map(datasetCredit), payouts: dataset.payouts };
}
