/**
 * What is still open on each invoice during a run. Every allocation goes through here, so the same invoice amount is
 * never linked twice, and invoices are found by their open amount (which changes as instalments arrive).
 */
import { formatCents } from './money';
import type { IndexedInvoice } from './invoice-index';
import type { InvoiceState, InvoiceStatus } from './types';

/** A second transfer of the same amount for the same invoice within this many days is taken for a repeat. */
const REPEAT_WINDOW_DAYS = 10;

export class Ledger {
  private readonly remaining: bigint[];
  private readonly paid: bigint[];
  private readonly writtenOff: bigint[];
  private readonly overpaid: bigint[];
  private readonly byRemaining = new Map<bigint, Set<number>>();
  /** The payments each invoice received during the run (amount and booking day), for telling a transfer sent twice. */
  private readonly received = new Map<number, { cents: bigint; day: number }[]>();

  constructor(private readonly invoices: readonly IndexedInvoice[]) {
    this.remaining = invoices.map((invoice) => invoice.initialRemaining);
    this.paid = invoices.map((invoice) => invoice.amount - invoice.initialRemaining);
    this.writtenOff = invoices.map(() => 0n);
    this.overpaid = invoices.map(() => 0n);
    invoices.forEach((invoice) => this.indexRemaining(invoice.index));
  }

  private indexRemaining(invoice: number): void {
    const open = this.remaining[invoice];
    if (open <= 0n) return;
    const set = this.byRemaining.get(open) ?? new Set<number>();
    set.add(invoice);
    this.byRemaining.set(open, set);
  }

  private unindexRemaining(invoice: number): void {
    const set = this.byRemaining.get(this.remaining[invoice]);
    set?.delete(invoice);
    if (set?.size === 0) this.byRemaining.delete(this.remaining[invoice]);
  }

  open(invoice: number): bigint {
    return this.remaining[invoice];
  }

  /** Invoices whose open amount is exactly `cents`. */
  withOpenAmount(cents: bigint): ReadonlySet<number> {
    return this.byRemaining.get(cents) ?? new Set<number>();
  }

  /** Records a payment of `cents` (at most what is open) booked on `day` and, optionally, the shortfall written off. */
  settle(invoice: number, cents: bigint, day: number, writeOff = 0n): void {
    if (cents + writeOff > this.remaining[invoice]) throw new RangeError('allocation exceeds the open amount');
    this.unindexRemaining(invoice);
    this.remaining[invoice] -= cents + writeOff;
    this.paid[invoice] += cents;
    this.writtenOff[invoice] += writeOff;
    this.indexRemaining(invoice);
    this.received.set(invoice, [...(this.received.get(invoice) ?? []), { cents, day }]);
  }

  /** Why `cents` beyond what `invoice` asks came: the invoice's amount or a payment it received again, or not. */
  excessReason(invoice: number, cents: bigint): 'OVERPAYMENT' | 'POSSIBLE_DUPLICATE' {
    const repeats =
      cents === this.invoices[invoice].amount ||
      (this.received.get(invoice) ?? []).some((payment) => payment.cents === cents);
    return repeats ? 'POSSIBLE_DUPLICATE' : 'OVERPAYMENT';
  }

  /**
   * Whether `invoice` received exactly `cents` in the days before `day`: a transfer sent twice, most likely, rather
   * than a second instalment (instalments come weeks apart).
   */
  receivedJustBefore(invoice: number, cents: bigint, day: number): boolean {
    return (this.received.get(invoice) ?? []).some(
      (payment) => payment.cents === cents && payment.day <= day && day - payment.day <= REPEAT_WINDOW_DAYS,
    );
  }

  /** Money received for an invoice beyond what it asked: reported, never allocated. */
  recordOverpayment(invoice: number, cents: bigint): void {
    this.overpaid[invoice] += cents;
  }

  states(): InvoiceState[] {
    return this.invoices.map((invoice) => {
      const i = invoice.index;
      let status: InvoiceStatus = 'OPEN';
      if (this.overpaid[i] > 0n) status = 'OVERPAID';
      else if (this.remaining[i] <= 0n) status = 'PAID';
      else if (this.paid[i] > 0n) status = 'PARTIALLY_PAID';
      return {
        invoiceId: invoice.invoice.id,
        amountPaid: formatCents(this.paid[i]),
        writtenOff: formatCents(this.writtenOff[i]),
        status,
      };
    });
  }
}
