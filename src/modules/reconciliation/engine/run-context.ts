/** The state one engine run shares between the credit matcher and the payout settler. */
import type { InvoiceIndex, IndexedInvoice } from './invoice-index';
import type { Ledger } from './ledger';
import type { Payer } from './payer';
import type { PayoutMatch } from './payouts';
import type { NumberRun, ReferenceHit } from './references';
import type { BankCredit, Link, Overpayment, ReconciliationOptions, WriteOff } from './types';

export interface PreparedCredit {
  credit: BankCredit;
  cents: bigint;
  /** Not booked yet: it may be matched, never auto-confirmed. */
  pending: boolean;
  day: number;
  texts: string[];
  refs: Map<number, ReferenceHit>;
  runs: NumberRun[];
  payer: Payer;
  payerInvoices: Set<number>;
  payout: PayoutMatch | null;
}

/** Everything a run shares: indexes, the ledger and the outputs being built. */
export interface RunContext {
  options: ReconciliationOptions;
  /** Per invoice position: the underpayment that may still settle it when the payer quotes it. */
  tolerances: bigint[];
  /** The underpayment that may settle an invoice the payer does not quote: bank charges, not a discount. */
  absoluteTolerance: bigint;
  index: InvoiceIndex;
  ledger: Ledger;
  rejected: Set<string>;
  links: Link[];
  writeOffs: WriteOff[];
  overpayments: Overpayment[];
}

export function pairKey(transactionId: string, invoiceId: string): string {
  return `${transactionId}\u0000${invoiceId}`;
}

export function isRejected(context: RunContext, transactionId: string, invoice: IndexedInvoice): boolean {
  return context.rejected.has(pairKey(transactionId, invoice.invoice.id));
}
