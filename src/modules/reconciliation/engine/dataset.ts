/**
 * Reads a labelled reconciliation dataset (`../shared/datasets/reconciliation/FORMAT.md`): invoices, transactions,
 * payouts and, when present, the owner's history (payers confirmed last month) and the true links. Every record is validated, and a bad one is reported by file, record
 * and field, so a broken dataset fails loudly instead of skewing a measurement.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BankCredit, KnownPayer, OpenInvoice, PayoutReport, ReconciliationInput } from './types';

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

const historySchema = z.object({
  knownPayers: z.array(
    z.object({
      payerName: text,
      payerIban: text,
      customerName: z.string().min(1),
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
  /** Payers the owner confirmed before (`history.json`); empty when the set has no history. */
  knownPayers: KnownPayer[];
  /** Absent for an unlabelled set. */
  truth: TruthLink[] | null;
}

export class DatasetError extends Error {}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DatasetError(`${path}: cannot read JSON (${(error as Error).message})`);
  }
}

function fieldOf(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: issue.path.length > 0 ? issue.path.join('.') : '(record)', message: issue.message };
}

function readArray<T>(dir: string, file: string, schema: z.ZodType<T>): T[] {
  const path = join(dir, file);
  const raw = readJson(path);
  if (!Array.isArray(raw)) throw new DatasetError(`${path}: expected a JSON array`);
  return raw.map((record, position) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const { field, message } = fieldOf(parsed.error);
      throw new DatasetError(`${path}: record ${position}, field "${field}": ${message}`);
    }
    return parsed.data;
  });
}

function readHistory(dir: string): KnownPayer[] {
  const path = join(dir, 'history.json');
  if (!existsSync(path)) return [];
  const parsed = historySchema.safeParse(readJson(path));
  if (!parsed.success) {
    const { field, message } = fieldOf(parsed.error);
    throw new DatasetError(`${path}: field "${field}": ${message}`);
  }
  return parsed.data.knownPayers;
}

export function readDataset(dir: string): Dataset {
  if (!existsSync(dir)) throw new DatasetError(`${dir}: no such dataset directory`);
  const invoices = readArray(dir, 'invoices.json', invoiceSchema);
  const transactions = readArray(dir, 'transactions.json', transactionSchema);
  const payouts = existsSync(join(dir, 'payouts.json')) ? readArray(dir, 'payouts.json', payoutSchema) : [];
  const truth = existsSync(join(dir, 'truth.json')) ? readArray(dir, 'truth.json', truthSchema) : null;
  return { invoices, transactions, payouts, knownPayers: readHistory(dir), truth };
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

/** The engine's input for a dataset, its history passed as the engine's memory, as confirmed matches are in the product. */
export function datasetInput(dataset: Dataset): ReconciliationInput {
  return {
    invoices: dataset.invoices,
    credits: dataset.transactions.map(datasetCredit),
    payouts: dataset.payouts,
    memory: { knownPayers: dataset.knownPayers },
  };
}
