/**
 * The matching engine: bank credits → invoices, with allocations, a score, the signals behind it and a decision.
 *
 * Candidates for a credit come from indexes only (the references it quotes, invoices whose open amount equals it,
 * invoices of the customer the payer looks like), never from a scan of every invoice. Credits are settled in order
 * of evidence, strongest first, so that a weak guess never takes an invoice a decisive payment names; within equal
 * evidence, older credits first, so instalments and double payments are seen in the order they happened.
 *
 * Over 400 lines on purpose: this file is the settlement order alone, one pass whose steps share the ledger; the
 * indexes, scoring, payer memory, payouts and references it calls live in their own files.
 */
import { dayNumber } from './calendar';
import { screenFeed } from './feed-screening';
import { InvoiceIndex, MAX_PAYER_SCAN, type IndexedInvoice } from './invoice-index';
import { Ledger } from './ledger';
import { centsTimesRatio, formatCents, toCents } from './money';
import { invoicesOfPayer, PayerMemory, payerSignals, settleDoubts } from './payer';
import { PayoutBook, settlePayout } from './payouts';
import { isRejected, pairKey, type PreparedCredit, type RunContext } from './run-context';
import { findReferences, isDecisive, nearReference, REFERENCE_POINTS, type ReferenceHit } from './references';
import {
  AMOUNT_POINTS,
  DATE_POINTS,
  EARLY_PAYMENT_DAYS,
  LATE_PAYMENT_DAYS,
  MIN_PROPOSAL_POINTS,
  scoreOf,
  TIE_MARGIN,
} from './scoring';
import type {
  Allocation,
  BankCredit,
  ReconciliationInput,
  ReconciliationOptions,
  ReconciliationResult,
  Signal,
  UnmatchedCredit,
} from './types';

export const DEFAULT_OPTIONS: ReconciliationOptions = {
  autoConfirmThreshold: 0.8,
  underpaymentTolerance: { absolute: '5.00', ratio: '0.02' },
  // A payout announced for a Friday can book on the Tuesday after a bank holiday.
  payoutArrivalWindowDays: 5,
};

/** SEPA's placeholder for "the payer gave no end-to-end id". */
const NOT_PROVIDED = 'NOTPROVIDED';
/** Unreferenced grouped payments are looked for among this many of a payer's oldest open invoices. */
const MAX_GROUP_POOL = 16;
const MAX_GROUP_SIZE = 4;

interface Candidate {
  /** Invoice positions, in allocation order. */
  invoices: number[];
  points: number;
  signals: Signal[];
  /** Decisive evidence for every invoice: a precondition of auto-confirmation, whatever the score. */
  decisive: boolean;
  /**
   * Decisive only through the owner's history: a payer confirmed for the customer, paying what it owes. It must then
   * be the only reading of the amount, and what the text quotes must not point elsewhere.
   */
  byMemory: boolean;
}

/**
 * The shortfall that may still settle `invoice`. A discount is only credible when the payer quotes the invoice;
 * without a quote only bank charges (the absolute tolerance) are, or a 2% gap would pass for a match.
 */
function tolerance(context: RunContext, invoice: IndexedInvoice, quoted: boolean): bigint {
  return quoted ? context.tolerances[invoice.index] : context.absoluteTolerance;
}

/** The shortfall each invoice may be settled with: the larger of the absolute and the relative tolerance. */
function tolerances(index: InvoiceIndex, options: ReconciliationOptions): bigint[] {
  const byAbsolute = toCents(options.underpaymentTolerance.absolute);
  return index.invoices.map((invoice) => {
    const byRatio = centsTimesRatio(invoice.amount, options.underpaymentTolerance.ratio);
    return byRatio > byAbsolute ? byRatio : byAbsolute;
  });
}

/** A payer who quotes the invoice knows it exists, whatever the dates say (advance payments, pro forma). */
function dateSignals(day: number, invoice: IndexedInvoice, quoted: boolean): Signal[] {
  const invoiceId = invoice.invoice.id;
  if (day < invoice.issueDay - EARLY_PAYMENT_DAYS) {
    if (quoted) return [];
    return [{ kind: 'DATE_BEFORE_ISSUE', points: DATE_POINTS.beforeIssue, invoiceId }];
  }
  if (day <= invoice.dueDay + LATE_PAYMENT_DAYS)
    return [{ kind: 'DATE_PLAUSIBLE', points: DATE_POINTS.plausible, invoiceId }];
  return [];
}

/** Whether the owner's history says, beyond doubt, that the credit's payer pays for `invoice`'s customer. */
function knownCustomer(prepared: PreparedCredit, invoice: IndexedInvoice): boolean {
  return invoice.customer !== null && prepared.payer.undoubted.has(invoice.customer.id);
}

/** Whether the candidate's amount is paid to the cent. */
function exactly(candidate: Candidate): boolean {
  return candidate.signals.some((signal) => signal.kind === 'AMOUNT_EQUAL' || signal.kind === 'AMOUNT_GROUP_SUM');
}

function sumPoints(signals: readonly Signal[]): number {
  return signals.reduce((total, signal) => total + signal.points, 0);
}

function isOpenCandidate(context: RunContext, prepared: PreparedCredit, invoice: IndexedInvoice): boolean {
  return (
    context.ledger.open(invoice.index) > 0n &&
    invoice.invoice.currency === prepared.credit.currency &&
    !isRejected(context, prepared.credit.id, invoice)
  );
}

/** The payer's own invoice, quoted with one digit wrong, paid in part: an instalment with a typo. */
function mistypedInstalment(hit: ReferenceHit | undefined, payer: readonly Signal[]): boolean {
  return hit?.kind === 'REFERENCE_NEAR' && payer.length > 0;
}

function partialPoints(decisiveRef: boolean, hit: ReferenceHit | undefined, payer: readonly Signal[]): number {
  if (decisiveRef) return AMOUNT_POINTS.partial;
  return mistypedInstalment(hit, payer) ? AMOUNT_POINTS.partialOfMistyped : 0;
}

function singleCandidate(
  context: RunContext,
  prepared: PreparedCredit,
  invoice: IndexedInvoice,
  hit: ReferenceHit | undefined,
): Candidate | null {
  if (!isOpenCandidate(context, prepared, invoice)) return null;
  const invoiceId = invoice.invoice.id;
  const open = context.ledger.open(invoice.index);
  const decisiveRef = hit !== undefined && isDecisive(hit.kind);
  const signals: Signal[] = [];
  if (hit) signals.push({ kind: hit.kind, points: REFERENCE_POINTS[hit.kind], invoiceId, detail: hit.text });
  const payer = payerSignals(prepared.payer, invoice);
  signals.push(...payer);

  let amountSettles = false;
  if (prepared.cents === open) {
    signals.push({ kind: 'AMOUNT_EQUAL', points: AMOUNT_POINTS.equal, invoiceId });
    amountSettles = true;
  } else if (prepared.cents < open && open - prepared.cents <= tolerance(context, invoice, decisiveRef)) {
    const points = decisiveRef ? AMOUNT_POINTS.withinTolerance : AMOUNT_POINTS.withinToleranceWithoutReference;
    signals.push({ kind: 'AMOUNT_WITHIN_TOLERANCE', points, invoiceId });
    amountSettles = true;
  } else if (prepared.cents < open) {
    signals.push({ kind: 'AMOUNT_PARTIAL', points: partialPoints(decisiveRef, hit, payer), invoiceId });
  } else {
    signals.push({ kind: 'AMOUNT_EXCEEDS', points: decisiveRef ? AMOUNT_POINTS.exceeds : 0, invoiceId });
  }
  // An amount alone is never enough: rents, refunds and transfers often equal some open invoice to the cent. Nor is
  // a weak reference with an amount that does not settle the invoice: digits in a bank's own reference say little.
  if (!decisiveRef && !(amountSettles && (hit !== undefined || payer.length > 0)) && !mistypedInstalment(hit, payer)) {
    return null;
  }
  signals.push(...dateSignals(prepared.day, invoice, decisiveRef));
  // Paid to the cent, or short of bank charges only.
  const paysWhatIsOwed = amountSettles && open - prepared.cents <= context.absoluteTolerance;
  const byMemory = !decisiveRef && paysWhatIsOwed && knownCustomer(prepared, invoice);
  return {
    invoices: [invoice.index],
    points: sumPoints(signals),
    signals,
    decisive: decisiveRef || byMemory,
    byMemory,
  };
}

/**
 * A group is as credible as its weakest member's reference and date, plus the group's amount rule. Within one
 * customer, the best payer evidence any member gives identifies the payer (an IBAN known from one invoice counts
 * for the customer's other invoices); across customers it is the weakest, and only an exact sum is decisive, since
 * a mistyped number easily names another customer's invoice of a similar amount. Each member's own signals are
 * listed with their own points.
 */
function groupCandidate(
  context: RunContext,
  prepared: PreparedCredit,
  members: IndexedInvoice[],
  hits: ReadonlyMap<number, ReferenceHit | undefined>,
  referenced: boolean,
): Candidate {
  const ordered = [...members].sort((a, b) => a.dueDay - b.dueDay || a.index - b.index);
  const signals: Signal[] = [];
  let refPoints = Number.POSITIVE_INFINITY;
  const memberPayerPoints: number[] = [];
  let datePoints = Number.POSITIVE_INFINITY;
  let decisive = true;
  for (const invoice of ordered) {
    const invoiceId = invoice.invoice.id;
    const hit = hits.get(invoice.index);
    if (hit) signals.push({ kind: hit.kind, points: REFERENCE_POINTS[hit.kind], invoiceId, detail: hit.text });
    refPoints = Math.min(refPoints, hit ? REFERENCE_POINTS[hit.kind] : 0);
    decisive &&= hit !== undefined && isDecisive(hit.kind);
    const payer = payerSignals(prepared.payer, invoice);
    const date = dateSignals(prepared.day, invoice, hit !== undefined && isDecisive(hit.kind));
    signals.push(...payer, ...date);
    memberPayerPoints.push(sumPoints(payer));
    datePoints = Math.min(datePoints, sumPoints(date));
  }
  const oneCustomer = new Set(ordered.map((invoice) => invoice.customer?.id)).size === 1;
  const payerPoints = oneCustomer ? Math.max(...memberPayerPoints) : Math.min(...memberPayerPoints);
  const total = ordered.reduce((sum, invoice) => sum + context.ledger.open(invoice.index), 0n);
  const last = ordered[ordered.length - 1];
  let amount: Signal;
  if (prepared.cents === total) {
    amount = {
      kind: 'AMOUNT_GROUP_SUM',
      points: referenced ? AMOUNT_POINTS.groupSum : AMOUNT_POINTS.groupSumWithoutReference,
    };
  } else if (prepared.cents < total && total - prepared.cents <= tolerance(context, last, decisive)) {
    const points = decisive ? AMOUNT_POINTS.withinTolerance : AMOUNT_POINTS.withinToleranceWithoutReference;
    amount = { kind: 'AMOUNT_WITHIN_TOLERANCE', points };
  } else if (prepared.cents < total) {
    amount = { kind: 'AMOUNT_PARTIAL', points: decisive ? AMOUNT_POINTS.partial : 0 };
  } else {
    amount = { kind: 'AMOUNT_EXCEEDS', points: decisive ? AMOUNT_POINTS.exceeds : 0 };
  }
  signals.push(amount);
  const referencedDecisively = decisive && (oneCustomer || amount.kind === 'AMOUNT_GROUP_SUM');
  const byMemory =
    !referencedDecisively &&
    amount.kind === 'AMOUNT_GROUP_SUM' &&
    ordered.every((invoice) => knownCustomer(prepared, invoice));
  return {
    invoices: ordered.map((invoice) => invoice.index),
    points: refPoints + amount.points + payerPoints + datePoints,
    signals,
    decisive: referencedDecisively || byMemory,
    byMemory,
  };
}

/** Subsets of `pool` (size 2..MAX_GROUP_SIZE) whose open amounts sum to `target`; stops after two (a tie). */
function subsetsSumming(context: RunContext, pool: IndexedInvoice[], target: bigint): IndexedInvoice[][] {
  const found: IndexedInvoice[][] = [];
  const chosen: IndexedInvoice[] = [];
  const search = (start: number, remaining: bigint): void => {
    if (found.length >= 2) return;
    if (remaining === 0n && chosen.length >= 2) {
      found.push([...chosen]);
      return;
    }
    if (chosen.length === MAX_GROUP_SIZE || remaining <= 0n) return;
    for (let i = start; i < pool.length && found.length < 2; i += 1) {
      chosen.push(pool[i]);
      search(i + 1, remaining - context.ledger.open(pool[i].index));
      chosen.pop();
    }
  };
  search(0, target);
  return found;
}

function candidatesFor(context: RunContext, prepared: PreparedCredit): Candidate[] {
  const { index, ledger } = context;
  // Position → the reference hit, if any: what the text names, plus typos of the invoices the amount pays and of
  // the payer's own invoices (an instalment or a grouped payment can carry a mistyped number too).
  const singles = new Map<number, ReferenceHit | undefined>(prepared.refs);
  const sameAmount = ledger.withOpenAmount(prepared.cents);
  if (sameAmount.size <= MAX_PAYER_SCAN) {
    for (const invoice of sameAmount) {
      if (singles.has(invoice)) continue;
      const near = nearReference(index.invoices[invoice], prepared.runs);
      if (near || prepared.payerInvoices.has(invoice)) singles.set(invoice, near ?? undefined);
    }
  } else {
    // A common amount (a subscription price) is shared by thousands of invoices: only the payer's own count, and
    // a typo is looked for among them alone.
    for (const invoice of prepared.payerInvoices) {
      if (!singles.has(invoice) && sameAmount.has(invoice)) {
        singles.set(invoice, nearReference(index.invoices[invoice], prepared.runs) ?? undefined);
      }
    }
  }
  // Typos of the payer's invoices smaller than the credit only make sense as members of a group.
  const groupable = new Map<number, ReferenceHit | undefined>(singles);
  for (const invoice of prepared.payerInvoices) {
    const open = ledger.open(invoice);
    if (singles.has(invoice)) continue;
    const near = nearReference(index.invoices[invoice], prepared.runs);
    if (open <= prepared.cents) {
      if (near) groupable.set(invoice, near);
    } else if (near || open - prepared.cents <= context.absoluteTolerance) {
      singles.set(invoice, near ?? undefined);
    }
  }
  const candidates: Candidate[] = [];
  for (const [invoice, hit] of singles) {
    const candidate = singleCandidate(context, prepared, index.invoices[invoice], hit);
    if (candidate) candidates.push(candidate);
  }

  const referenced = [...prepared.refs.values()]
    .filter((hit) => REFERENCE_POINTS[hit.kind] >= REFERENCE_POINTS.REFERENCE_DIGITS)
    .map((hit) => index.invoices[hit.invoice])
    .filter((invoice) => isOpenCandidate(context, prepared, invoice));
  if (referenced.length >= 2) {
    const group = groupCandidate(context, prepared, referenced, singles, true);
    candidates.push(group);
    // One quoted number mistyped breaks the sum: try with the payer's invoices one digit away from what was
    // quoted, and keep a set that the amount pays to the cent.
    if (!exactly(group)) {
      const pool = [...groupable.keys()]
        .map((invoice) => index.invoices[invoice])
        .filter((invoice) => isOpenCandidate(context, prepared, invoice) && ledger.open(invoice.index) < prepared.cents)
        .sort((a, b) => a.dueDay - b.dueDay || a.index - b.index)
        .slice(0, MAX_GROUP_POOL);
      for (const subset of subsetsSumming(context, pool, prepared.cents)) {
        candidates.push(groupCandidate(context, prepared, subset, groupable, true));
      }
    }
  }

  const settledBySingle = candidates.some((candidate) =>
    candidate.signals.some((signal) => signal.kind === 'AMOUNT_EQUAL' || signal.kind === 'AMOUNT_WITHIN_TOLERANCE'),
  );
  if (!settledBySingle && referenced.length < 2) {
    const pool = [...prepared.payerInvoices]
      .map((invoice) => index.invoices[invoice])
      .filter((invoice) => isOpenCandidate(context, prepared, invoice) && ledger.open(invoice.index) < prepared.cents)
      .filter((invoice) => payerSignals(prepared.payer, invoice).length > 0)
      .sort((a, b) => a.dueDay - b.dueDay || a.index - b.index)
      .slice(0, MAX_GROUP_POOL);
    for (const subset of subsetsSumming(context, pool, prepared.cents)) {
      candidates.push(groupCandidate(context, prepared, subset, singles, false));
    }
  }
  return candidates
    .filter((candidate) => candidate.points >= MIN_PROPOSAL_POINTS)
    .sort(
      (a, b) =>
        b.points - a.points ||
        // At equal evidence, the reading that accounts for more of what the payer quoted.
        b.invoices.length - a.invoices.length ||
        // Then the one the amount pays to the cent.
        Number(exactly(b)) - Number(exactly(a)) ||
        index.invoices[a.invoices[0]].dueDay - index.invoices[b.invoices[0]].dueDay ||
        a.invoices[0] - b.invoices[0],
    );
}

/** The best-supported reading of a credit before anything is settled: the order in which credits are processed. */
function priorityOf(context: RunContext, prepared: PreparedCredit): number {
  if (prepared.payout) return Number.POSITIVE_INFINITY;
  const [best] = candidatesFor(context, prepared);
  return best ? best.points : Number.NEGATIVE_INFINITY;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((invoice) => b.includes(invoice));
}

/** Whether the candidate's amount pays its invoices, to the cent or within the tolerance. */
function paysInFull(candidate: Candidate): boolean {
  return candidate.signals.some(
    (signal) =>
      signal.kind === 'AMOUNT_EQUAL' || signal.kind === 'AMOUNT_GROUP_SUM' || signal.kind === 'AMOUNT_WITHIN_TOLERANCE',
  );
}

/**
 * The readings that stand against `best`: the top one and any within the tie margin; and, when only the owner's
 * history makes `best` decisive, any other reading the amount pays as well (a second invoice of that amount, a
 * combination; when `best` is short of bank charges, one paid to the cent or short of them too): the history says
 * who pays, not for which invoice.
 */
function rivalsOf(candidates: readonly Candidate[], top: Candidate, best: Candidate): Candidate[] {
  const asWell = (candidate: Candidate): boolean => (exactly(best) ? exactly(candidate) : paysInFull(candidate));
  return candidates.filter(
    (candidate) =>
      candidate !== best &&
      !sameSet(candidate.invoices, best.invoices) &&
      (candidate === top || best.points - candidate.points < TIE_MARGIN || (best.byMemory && asWell(candidate))),
  );
}

/**
 * What the credit quotes that points elsewhere than `best`: an open invoice it names; and, when only the owner's
 * history makes `best` decisive, any invoice it names, unless the quote is one digit away from `best`'s own number
 * and names another customer's invoice (a typo the payer's identity and the amount explain).
 */
function conflictingReferences(context: RunContext, prepared: PreparedCredit, best: Candidate): ReferenceHit[] {
  const { index } = context;
  const customers = new Set(best.invoices.map((invoice) => index.invoices[invoice].customer?.id));
  const typo = best.signals.some((signal) => signal.kind === 'REFERENCE_NEAR');
  return [...prepared.refs.values()].filter((hit) => {
    if (best.invoices.includes(hit.invoice)) return false;
    const invoice = index.invoices[hit.invoice];
    if (!best.byMemory) return isDecisive(hit.kind) && isOpenCandidate(context, prepared, invoice);
    if (typo && !customers.has(invoice.customer?.id)) return false;
    return REFERENCE_POINTS[hit.kind] >= REFERENCE_POINTS.REFERENCE_DIGITS;
  });
}

/** Allocates the credit to `best`'s invoices, with the write-off or the overpayment it leaves. */
function allocate(context: RunContext, prepared: PreparedCredit, best: Candidate): Allocation[] {
  const { index, ledger } = context;
  const transactionId = prepared.credit.id;
  const allocations: Allocation[] = [];
  let left = prepared.cents;
  const settlesAll = best.signals.some((signal) => signal.kind === 'AMOUNT_WITHIN_TOLERANCE');
  const lastInvoice = best.invoices[best.invoices.length - 1];
  const excessReason = ledger.excessReason(lastInvoice, prepared.cents);
  for (const [position, invoice] of best.invoices.entries()) {
    const open = ledger.open(invoice);
    const cents = left < open ? left : open;
    const isLast = position === best.invoices.length - 1;
    const writeOff = isLast && settlesAll ? open - cents : 0n;
    if (cents <= 0n) break;
    ledger.settle(invoice, cents, prepared.day, writeOff);
    left -= cents;
    const invoiceId = index.invoices[invoice].invoice.id;
    allocations.push({ invoiceId, amount: formatCents(cents) });
    if (writeOff > 0n) {
      context.writeOffs.push({
        transactionId,
        invoiceId,
        amount: formatCents(writeOff),
        reason: 'UNDERPAYMENT_WITHIN_TOLERANCE',
      });
    }
  }
  if (left > 0n) {
    ledger.recordOverpayment(lastInvoice, left);
    context.overpayments.push({
      transactionId,
      invoiceId: index.invoices[lastInvoice].invoice.id,
      amount: formatCents(left),
      reason: excessReason,
    });
  }
  return allocations;
}

function settleCredit(context: RunContext, prepared: PreparedCredit): boolean {
  const { index, ledger } = context;
  const candidates = candidatesFor(context, prepared);
  const [top] = candidates;
  if (!top) return false;
  // An amount paid to the cent on an invoice the text points to (even through a typo) outweighs an amount that only
  // nearly pays the invoice it names: propose the former, with the latter as the alternative, for the owner.
  const exactRival = exactly(top)
    ? undefined
    : candidates.find(
        (candidate) => exactly(candidate) && candidate.signals.some((signal) => signal.kind in REFERENCE_POINTS),
      );
  const best = exactRival ?? top;
  const signals = [...best.signals];
  const rivals = rivalsOf(candidates, top, best);
  if (rivals.length > 0)
    signals.push({ kind: 'TIE', points: 0, detail: `${rivals.length + 1} readings of the credit stand` });
  const conflicting = conflictingReferences(context, prepared, best);
  for (const hit of conflicting) {
    signals.push({
      kind: 'CONFLICTING_REFERENCE',
      points: 0,
      invoiceId: index.invoices[hit.invoice].invoice.id,
      detail: hit.text,
    });
  }
  if (prepared.pending) signals.push({ kind: 'BOOKING_PENDING', points: 0 });
  const repeated = repeatedInvoices(context, prepared).filter((invoice) => best.invoices.includes(invoice.index));
  for (const invoice of repeated)
    signals.push({ kind: 'POSSIBLE_DUPLICATE', points: 0, invoiceId: invoice.invoice.id });
  // Money beyond what is owed (bank charges aside) is for the owner to explain: a transfer sent twice, a mistake.
  const excess = prepared.cents - best.invoices.reduce((owed, invoice) => owed + ledger.open(invoice), 0n);
  if (excess > context.absoluteTolerance)
    signals.push({ kind: 'OVERPAYMENT', points: 0, detail: `${formatCents(excess)} beyond what is owed` });
  const score = scoreOf(best.points);
  const auto =
    best.decisive &&
    !prepared.pending &&
    rivals.length === 0 &&
    conflicting.length === 0 &&
    repeated.length === 0 &&
    excess <= context.absoluteTolerance &&
    score >= context.options.autoConfirmThreshold;

  context.links.push({
    transactionId: prepared.credit.id,
    allocations: allocate(context, prepared, best),
    score,
    signals,
    decision: auto ? 'AUTO_CONFIRMED' : 'SUGGESTED',
    alternatives: rivals.flatMap((rival) => rival.invoices.map((invoice) => index.invoices[invoice].invoice.id)),
  });
  return true;
}

/** Invoices the credit names decisively that received the same amount in the days before: it may be sent twice. */
function repeatedInvoices(context: RunContext, prepared: PreparedCredit): IndexedInvoice[] {
  return [...prepared.refs.values()]
    .filter(
      (hit) => isDecisive(hit.kind) && context.ledger.receivedJustBefore(hit.invoice, prepared.cents, prepared.day),
    )
    .map((hit) => context.index.invoices[hit.invoice]);
}

/**
 * A credit naming a paid invoice that received the same amount days before is a transfer sent twice: reported as a
 * possible duplicate, not read as a payment of some other invoice the amount or a typo could point to.
 */
function reportRepeat(context: RunContext, prepared: PreparedCredit): boolean {
  const repeated = repeatedInvoices(context, prepared).filter((invoice) => context.ledger.open(invoice.index) <= 0n);
  if (repeated.length !== 1) return false;
  const [invoice] = repeated;
  context.ledger.recordOverpayment(invoice.index, prepared.cents);
  context.overpayments.push({
    transactionId: prepared.credit.id,
    invoiceId: invoice.invoice.id,
    amount: formatCents(prepared.cents),
    reason: 'POSSIBLE_DUPLICATE',
  });
  return true;
}

/** A credit that names an invoice already paid in full is a double payment: reported against that invoice. */
function reportDoublePayment(context: RunContext, prepared: PreparedCredit): boolean {
  const paid = [...prepared.refs.values()]
    .filter((hit) => isDecisive(hit.kind))
    .map((hit) => context.index.invoices[hit.invoice])
    .filter(
      (invoice) =>
        context.ledger.open(invoice.index) <= 0n &&
        invoice.invoice.currency === prepared.credit.currency &&
        prepared.cents <= invoice.amount,
    );
  if (paid.length !== 1) return false;
  const reason = context.ledger.excessReason(paid[0].index, prepared.cents);
  context.ledger.recordOverpayment(paid[0].index, prepared.cents);
  context.overpayments.push({
    transactionId: prepared.credit.id,
    invoiceId: paid[0].invoice.id,
    amount: formatCents(prepared.cents),
    reason,
  });
  return true;
}

function referenceTexts(credit: BankCredit): string[] {
  const texts = [credit.remittanceUnstructured, credit.remittanceStructured];
  if (credit.endToEndId && credit.endToEndId.toUpperCase() !== NOT_PROVIDED) texts.push(credit.endToEndId);
  return texts.filter((text): text is string => typeof text === 'string' && text.trim().length > 0);
}

/** Runs the engine. Pure: the same input always gives the same result, in the same order. */
export function reconcile(
  input: ReconciliationInput,
  options: Partial<ReconciliationOptions> = {},
): ReconciliationResult {
  const index = new InvoiceIndex(input.invoices);
  const settings = { ...DEFAULT_OPTIONS, ...options };
  const context: RunContext = {
    options: settings,
    tolerances: tolerances(index, settings),
    absoluteTolerance: toCents(settings.underpaymentTolerance.absolute),
    index,
    ledger: new Ledger(index.invoices),
    rejected: new Set((input.memory?.rejectedPairs ?? []).map((pair) => pairKey(pair.transactionId, pair.invoiceId))),
    links: [],
    writeOffs: [],
    overpayments: [],
  };
  const memory = new PayerMemory(input.memory?.knownPayers ?? [], index);
  const payouts = new PayoutBook(input.payouts ?? [], context.options.payoutArrivalWindowDays);
  const unmatchedCredits: UnmatchedCredit[] = [];
  const screening = screenFeed(input.credits);

  const prepared: PreparedCredit[] = [];
  for (const credit of input.credits) {
    const cents = toCents(credit.amount);
    if (cents <= 0n) continue;
    const screened = screening.get(credit.id);
    if (screened === 'PENDING_DUPLICATE' || screened === 'REVERSED') {
      unmatchedCredits.push({
        transactionId: credit.id,
        amount: formatCents(cents),
        reason: screened === 'REVERSED' ? 'REVERSED' : 'PENDING',
      });
      continue;
    }
    const texts = referenceTexts(credit);
    const day = dayNumber(credit.bookingDate);
    const payout = payouts.find(texts, cents, credit.currency, day);
    const payer = memory.payer(credit.counterpartyName, credit.counterpartyIban);
    const references = payout ? { hits: [], runs: [] } : findReferences(index, texts);
    const payerInvoices = payout ? new Set<number>() : new Set(invoicesOfPayer(index, payer));
    settleDoubts(index, payer, payerInvoices);
    prepared.push({
      credit,
      cents,
      pending: screened === 'PENDING',
      day,
      texts,
      payout,
      refs: new Map(references.hits.map((hit) => [hit.invoice, hit])),
      runs: references.runs,
      payer,
      payerInvoices,
    });
  }

  const ordered = prepared
    .map((credit) => ({ credit, priority: priorityOf(context, credit) }))
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        a.credit.day - b.credit.day ||
        (a.credit.credit.id < b.credit.credit.id ? -1 : a.credit.credit.id > b.credit.credit.id ? 1 : 0),
    );
  const payoutFees = [];
  for (const { credit } of ordered) {
    if (credit.payout && payouts.claim(credit.payout)) {
      payoutFees.push(settlePayout(context, credit, credit.payout));
      continue;
    }
    if (reportRepeat(context, credit) || settleCredit(context, credit) || reportDoublePayment(context, credit))
      continue;
    unmatchedCredits.push({
      transactionId: credit.credit.id,
      amount: formatCents(credit.cents),
      reason: 'NO_CANDIDATE',
    });
  }

  return {
    links: context.links,
    writeOffs: context.writeOffs,
    overpayments: context.overpayments,
    unmatchedCredits,
    payoutFees,
    invoices: context.ledger.states(),
  };
}
