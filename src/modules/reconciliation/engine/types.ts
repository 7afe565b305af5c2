/**
 * The reconciliation engine's own input and output shapes. The engine is pure logic (no database, no network):
 * the store, the dataset reader and the tests all map their data onto these types.
 *
 * Money is a decimal string with an ISO 4217 currency, as everywhere in Passerelle; inside the engine it is integer
 * minor units (bigint), never a float.
 */
import type { DecimalString, IsoDate } from '../../../providers/types';

/** An invoice the owner is waiting to be paid for. */
export interface OpenInvoice {
  id: string;
  /** The number printed on the invoice, which payers quote (`INV-000232`, `F2026/045`). */
  number: string;
  customerName: string;
  customerIban?: string | null;
  amount: DecimalString;
  currency: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  /** A creditor reference printed on the invoice: ISO 11649 `RF..` or a Belgian OGM/VCS `+++123/4567/89002+++`. */
  structuredReference?: string | null;
  /** What earlier, already reconciled payments settled; the engine only allocates what remains open. */
  amountPaid?: DecimalString;
}

/**
 * A bank transaction as the engine sees it. `fromProviderTransaction` maps the normalized adapter shape onto it.
 * Pass the whole feed, debits included: a debit is never matched, but it reveals credits the bank sent back.
 */
export interface BankCredit {
  id: string;
  /** Signed: positive is money in. */
  amount: DecimalString;
  currency: string;
  status: 'BOOKED' | 'PENDING';
  bookingDate: IsoDate;
  counterpartyName?: string | null;
  counterpartyIban?: string | null;
  remittanceUnstructured?: string | null;
  /** A creditor reference the payer's bank carried in the structured field. */
  remittanceStructured?: string | null;
  /** `NOTPROVIDED` (SEPA's placeholder) is treated as absent. */
  endToEndId?: string | null;
}

/** One card payment in a processor's payout report. */
export interface PayoutItem {
  chargeId: string;
  invoiceNumber?: string | null;
  customerName?: string | null;
  description?: string | null;
  gross: DecimalString;
  /** Negative or zero: what the processor kept. */
  fee: DecimalString;
  net: DecimalString;
}

/** A card processor's itemised payout: one bank credit, net of fees, settles many card payments. */
export interface PayoutReport {
  payoutId: string;
  arrivalDate: IsoDate;
  /** Net amount credited to the bank account. */
  amount: DecimalString;
  currency: string;
  items: PayoutItem[];
}

/** A payer the owner confirmed as paying for a customer (from `confirmMatch`), possibly a third party. */
export interface KnownPayer {
  payerIban?: string | null;
  payerName?: string | null;
  customerName: string;
}

/** A transaction → invoice pair the owner rejected (from `rejectMatch`): it is never proposed again. */
export interface RejectedPair {
  transactionId: string;
  invoiceId: string;
}

export interface MatchMemory {
  knownPayers?: KnownPayer[];
  rejectedPairs?: RejectedPair[];
}

export interface ReconciliationInput {
  invoices: OpenInvoice[];
  credits: BankCredit[];
  payouts?: PayoutReport[];
  memory?: MatchMemory;
}

export interface ReconciliationOptions {
  /** Score (0..1) from which a link with decisive evidence is confirmed without the owner. */
  autoConfirmThreshold: number;
  /**
   * An underpayment may settle an invoice when the shortfall is at most the larger of these two (bank charges taken
   * by the payer's bank; an early-payment discount); the shortfall is reported as a write-off line.
   */
  underpaymentTolerance: { absolute: DecimalString; ratio: DecimalString };
  /** A processor's payout is looked for this many days around its announced arrival date. */
  payoutArrivalWindowDays: number;
}

export type Decision = 'AUTO_CONFIRMED' | 'SUGGESTED';

export type SignalKind =
  /** A valid ISO 11649 RF or OGM/VCS reference equal to the invoice's. */
  | 'STRUCTURED_REFERENCE'
  /** The invoice number, as printed up to case and separators. */
  | 'REFERENCE_EXACT'
  /** The invoice number once look-alike characters are read as digits (O for 0, I or L for 1). */
  | 'REFERENCE_NORMALIZED'
  /** Only the invoice number's digits, without its prefix. */
  | 'REFERENCE_DIGITS'
  /** One digit away from the invoice number (a typo that may name another invoice). */
  | 'REFERENCE_NEAR'
  /** A structured reference whose check digits fail, close to the invoice's. Weak by design. */
  | 'REFERENCE_CHECK_FAILED'
  | 'PAYOUT_REFERENCE'
  | 'PAYOUT_AMOUNT_DATE'
  | 'PAYOUT_ITEM_INVOICE_NUMBER'
  | 'PAYOUT_ITEM_CUSTOMER_AMOUNT'
  | 'PAYOUT_ITEM_AMOUNT'
  | 'AMOUNT_EQUAL'
  | 'AMOUNT_GROUP_SUM'
  | 'AMOUNT_WITHIN_TOLERANCE'
  | 'AMOUNT_PARTIAL'
  | 'AMOUNT_EXCEEDS'
  | 'PAYER_IBAN'
  | 'PAYER_NAME'
  | 'PAYER_NAME_SIMILAR'
  | 'PAYER_CONFIRMED'
  | 'DATE_PLAUSIBLE'
  | 'DATE_BEFORE_ISSUE'
  /** The credit is not booked yet and may still disappear: never auto-confirmed. */
  | 'BOOKING_PENDING'
  /**
   * Another candidate scored within the tie margin, or scored higher with an amount that only nearly pays it
   * while this one is paid to the cent: never auto-confirmed.
   */
  | 'TIE'
  /** The credit also quotes an open invoice the link leaves out. */
  | 'CONFLICTING_REFERENCE'
  /** The credit brings more than the linked invoices still ask (beyond bank charges): never auto-confirmed. */
  | 'OVERPAYMENT'
  /** An invoice the credit names received the same amount days before: a transfer sent twice, never auto-confirmed. */
  | 'POSSIBLE_DUPLICATE';

export interface Signal {
  kind: SignalKind;
  /** The evidence points the signal added (negative when it weighs against). */
  points: number;
  invoiceId?: string;
  detail?: string;
}

export interface Allocation {
  invoiceId: string;
  amount: DecimalString;
}

export interface Link {
  transactionId: string;
  allocations: Allocation[];
  /**
   * 0..1, from the evidence points; comparable across links. Auto-confirmation also needs decisive evidence (a
   * verified reference, the invoice number, a payout id, or a payer the owner confirmed paying the one open amount
   * of that customer), no tie, no conflicting reference and no money beyond what is owed: circumstantial evidence
   * alone (amount, payer, date) stays a suggestion whatever its score.
   */
  score: number;
  signals: Signal[];
  decision: Decision;
  /** Invoices that scored as well as the one proposed (a tie the owner must settle). */
  alternatives: string[];
  payoutId?: string;
}

export interface WriteOff {
  transactionId: string;
  invoiceId: string;
  amount: DecimalString;
  reason: 'UNDERPAYMENT_WITHIN_TOLERANCE';
}

/** Money received beyond what the linked invoices asked for; never silently absorbed, never auto-confirmed. */
export interface Overpayment {
  transactionId: string;
  /** The invoice the payer meant, when known (a second payment of a paid invoice). */
  invoiceId?: string;
  amount: DecimalString;
  /**
   * `POSSIBLE_DUPLICATE`: the credit repeats the invoice's amount or a payment it already received (a transfer sent
   * twice); `OVERPAYMENT`: any other excess.
   */
  reason: 'OVERPAYMENT' | 'POSSIBLE_DUPLICATE';
}

export interface UnmatchedCredit {
  transactionId: string;
  amount: DecimalString;
  /** `PENDING`: its booked twin is in the feed; `REVERSED`: a debit sent the same money back. */
  reason: 'NO_CANDIDATE' | 'PENDING' | 'REVERSED';
}

export type InvoiceStatus = 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'OVERPAID';

export interface InvoiceState {
  invoiceId: string;
  amountPaid: DecimalString;
  writtenOff: DecimalString;
  status: InvoiceStatus;
}

export interface PayoutFee {
  payoutId: string;
  transactionId: string;
  amount: DecimalString;
}

export interface ReconciliationResult {
  links: Link[];
  writeOffs: WriteOff[];
  overpayments: Overpayment[];
  unmatchedCredits: UnmatchedCredit[];
  /** Processor fees withheld from payouts, for the accounting export. */
  payoutFees: PayoutFee[];
  invoices: InvoiceState[];
}
