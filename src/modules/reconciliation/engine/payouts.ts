/**
 * Card-processor payouts. One bank credit, net of the processor's fees, settles many card payments; the processor's
 * itemised report says which. The credit is tied to its report by the payout id it carries (decisive) or by net
 * amount and arrival date (a suggestion); each item is then tied to an invoice by the invoice number the processor
 * recorded (decisive), by the invoice number in its description, or by customer and amount (suggestions). Each
 * invoice is allocated the item's gross: the fee is the owner's expense, reported apart, not a shortfall.
 */
import { MAX_PAYER_SCAN, type IndexedInvoice } from './invoice-index';
import { formatCents, toCents } from './money';
import { compareNames, NAME_STRENGTH, normalizeName } from './party-name';
import { findReferences, isDecisive } from './references';
import { readReferenceText } from './reference-text';
import { compactReference } from './structured-reference';
import { PAYOUT_POINTS, scoreOf } from './scoring';
import { isRejected, type PreparedCredit, type RunContext } from './run-context';
import { dayNumber } from './calendar';
import type { Allocation, PayoutFee, PayoutItem, PayoutReport, Signal } from './types';

export interface PayoutMatch {
  payout: number;
  report: PayoutReport;
  byReference: boolean;
}

export class PayoutBook {
  private readonly byId = new Map<string, number>();
  private readonly byAmount = new Map<bigint, number[]>();
  private readonly arrivalDays: number[];
  private readonly claimed = new Set<number>();

  constructor(
    private readonly reports: readonly PayoutReport[],
    private readonly windowDays: number,
  ) {
    reports.forEach((report, position) => {
      this.byId.set(compactReference(report.payoutId), position);
      const net = toCents(report.amount);
      this.byAmount.set(net, [...(this.byAmount.get(net) ?? []), position]);
    });
    this.arrivalDays = reports.map((report) => dayNumber(report.arrivalDate));
  }

  /** The payout a credit pays out, if any: by the id it quotes, else by a unique net amount near the arrival date. */
  find(texts: readonly string[], cents: bigint, currency: string, day: number): PayoutMatch | null {
    for (const text of texts) {
      for (const token of readReferenceText(text).tokens) {
        const payout = this.byId.get(token.compact);
        if (payout !== undefined && this.reports[payout].currency === currency) {
          return { payout, report: this.reports[payout], byReference: true };
        }
      }
    }
    const near = (this.byAmount.get(cents) ?? []).filter(
      (payout) =>
        this.reports[payout].currency === currency && Math.abs(this.arrivalDays[payout] - day) <= this.windowDays,
    );
    return near.length === 1 ? { payout: near[0], report: this.reports[near[0]], byReference: false } : null;
  }

  /** A payout settles once: a second credit for it is an ordinary credit. */
  claim(match: PayoutMatch): boolean {
    if (this.claimed.has(match.payout)) return false;
    this.claimed.add(match.payout);
    return true;
  }
}

interface ResolvedItem {
  invoice: IndexedInvoice;
  decisive: boolean;
  signal: Signal;
}

/** The item names an invoice that is already paid: the card payment is a second payment of it. */
interface PaidTwice {
  paidTwice: IndexedInvoice;
}

function invoicesNamed(context: RunContext, prepared: PreparedCredit, text: string): IndexedInvoice[] {
  return findReferences(context.index, [text])
    .hits.filter((hit) => isDecisive(hit.kind))
    .map((hit) => context.index.invoices[hit.invoice])
    .filter(
      (invoice) =>
        invoice.invoice.currency === prepared.credit.currency && !isRejected(context, prepared.credit.id, invoice),
    );
}

function resolveItem(context: RunContext, prepared: PreparedCredit, item: PayoutItem): ResolvedItem | PaidTwice | null {
  const { index, ledger } = context;
  const gross = toCents(item.gross);
  for (const text of [item.invoiceNumber, item.description]) {
    if (!text) continue;
    const all = invoicesNamed(context, prepared, text);
    const named = all.filter((invoice) => ledger.open(invoice.index) > 0n);
    // Never fall back to the amount for an item that names a paid invoice: another invoice may share the amount.
    if (named.length === 0 && all.length === 1) return { paidTwice: all[0] };
    if (named.length === 1) {
      const invoice = named[0];
      const signal: Signal = {
        kind: 'PAYOUT_ITEM_INVOICE_NUMBER',
        points: PAYOUT_POINTS.itemInvoiceNumber,
        invoiceId: invoice.invoice.id,
        detail: `${item.chargeId}: ${text}`,
      };
      return { invoice, decisive: true, signal };
    }
  }
  const openWithGross = ledger.withOpenAmount(gross);
  // An amount shared by that many invoices identifies none of them.
  if (openWithGross.size > MAX_PAYER_SCAN) return null;
  const sameAmount = [...openWithGross]
    .map((position) => index.invoices[position])
    .filter(
      (invoice) =>
        invoice.invoice.currency === prepared.credit.currency && !isRejected(context, prepared.credit.id, invoice),
    );
  const customer = normalizeName(item.customerName);
  if (customer) {
    const theirs = sameAmount.filter(
      (invoice) => invoice.customer && NAME_STRENGTH[compareNames(invoice.customer, customer)] >= NAME_STRENGTH.SIMILAR,
    );
    if (theirs.length === 1) {
      const signal: Signal = {
        kind: 'PAYOUT_ITEM_CUSTOMER_AMOUNT',
        points: PAYOUT_POINTS.itemCustomerAndAmount,
        invoiceId: theirs[0].invoice.id,
        detail: item.chargeId,
      };
      // The processor names the customer as the invoice does, and no invoice of a like-named customer has that gross:
      // as decisive as a payer the owner confirmed paying the one open amount of that customer.
      return { invoice: theirs[0], decisive: compareNames(theirs[0].customer!, customer) === 'SAME', signal };
    }
    return null;
  }
  if (sameAmount.length === 1) {
    const signal: Signal = {
      kind: 'PAYOUT_ITEM_AMOUNT',
      points: PAYOUT_POINTS.itemAmount,
      invoiceId: sameAmount[0].invoice.id,
      detail: item.chargeId,
    };
    return { invoice: sameAmount[0], decisive: false, signal };
  }
  return null;
}

/**
 * Settles a payout credit: one link with the items tied decisively (auto-confirmed when the credit is the payout
 * named by id, for its exact net amount), one suggested link with the rest. Returns the fees withheld.
 */
export function settlePayout(context: RunContext, prepared: PreparedCredit, match: PayoutMatch): PayoutFee {
  const { report } = match;
  const transactionId = prepared.credit.id;
  const netMatches =
    prepared.cents === toCents(report.amount) &&
    report.items.reduce((sum, item) => sum + toCents(item.net), 0n) === prepared.cents;
  const payoutSignal: Signal = match.byReference
    ? { kind: 'PAYOUT_REFERENCE', points: PAYOUT_POINTS.reference, detail: report.payoutId }
    : { kind: 'PAYOUT_AMOUNT_DATE', points: PAYOUT_POINTS.amountAndDate, detail: report.payoutId };
  const groups = { decisive: [] as Allocation[], weak: [] as Allocation[] };
  const signals = { decisive: [payoutSignal], weak: [payoutSignal] };
  const weakest: Record<'decisive' | 'weak', number> = {
    decisive: PAYOUT_POINTS.itemInvoiceNumber,
    weak: PAYOUT_POINTS.itemInvoiceNumber,
  };
  let fees = 0n;
  for (const item of report.items) {
    fees -= toCents(item.fee);
    const gross = toCents(item.gross);
    // Refunds and disputes appear as negative lines: they pay no invoice (the fee and net already account for them).
    if (gross <= 0n) continue;
    const resolved = resolveItem(context, prepared, item);
    if (!resolved) continue;
    if ('paidTwice' in resolved) {
      context.ledger.recordOverpayment(resolved.paidTwice.index, gross);
      context.overpayments.push({
        transactionId,
        invoiceId: resolved.paidTwice.invoice.id,
        amount: formatCents(gross),
        reason: 'POSSIBLE_DUPLICATE',
      });
      continue;
    }
    const open = context.ledger.open(resolved.invoice.index);
    const cents = gross < open ? gross : open;
    const excessReason = context.ledger.excessReason(resolved.invoice.index, gross);
    context.ledger.settle(resolved.invoice.index, cents, prepared.day);
    const invoiceId = resolved.invoice.invoice.id;
    if (gross > cents) {
      context.ledger.recordOverpayment(resolved.invoice.index, gross - cents);
      context.overpayments.push({ transactionId, invoiceId, amount: formatCents(gross - cents), reason: excessReason });
    }
    // A card payment beyond what the invoice still asks is never settled on its own, whatever names it.
    const beyondOwed = gross - cents > context.absoluteTolerance;
    const group = resolved.decisive && match.byReference && netMatches && !beyondOwed ? 'decisive' : 'weak';
    groups[group].push({ invoiceId, amount: formatCents(cents) });
    signals[group].push(resolved.signal);
    if (beyondOwed)
      signals[group].push({
        kind: 'OVERPAYMENT',
        points: 0,
        invoiceId,
        detail: `${formatCents(gross - cents)} beyond what is owed`,
      });
    weakest[group] = Math.min(weakest[group], resolved.signal.points);
  }
  for (const group of ['decisive', 'weak'] as const) {
    if (groups[group].length === 0) continue;
    const score = scoreOf(payoutSignal.points + weakest[group]);
    context.links.push({
      transactionId,
      allocations: groups[group],
      score,
      signals: signals[group],
      decision:
        group === 'decisive' && !prepared.pending && score >= context.options.autoConfirmThreshold
          ? 'AUTO_CONFIRMED'
          : 'SUGGESTED',
      alternatives: [],
      payoutId: report.payoutId,
    });
  }
  return { payoutId: report.payoutId, transactionId, amount: formatCents(fees) };
}
