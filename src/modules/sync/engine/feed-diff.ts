/**
 * The pure heart of the sync engine: what changed between the lines Passerelle stored for one account and what the
 * bank sends now for the same window. No database, no network: the engine loads the stored lines, calls `diffFeed`
 * and applies the changes (with one outbox event each) in one database transaction.
 *
 * Matching rule, in order; every pass pairs a stored line and an incoming line at most once:
 *
 * 1. Same bank transaction id: same line. A bank that derives ids from the fields (no id of its own) gives two
 *    identical coffees one id, so lines sharing an id are paired one to one, best pairs first (booked lines first,
 *    then the fewest differing fields, never the feed's order); the extra ones are new lines, never merged.
 * 2. A stored PENDING line left over and an incoming BOOKED line left over with the same fingerprint (amount and
 *    currency, counterparty by normalized IBAN else normalized name) dated within the settlement tolerance
 *    (-2..+7 days, any of date / booking date / value date): the bank booked the line under a new id (card schemes
 *    do). Ties go to the closest date, then the most alike remittance, then the lowest ids, so the choice is the same
 *    on every run.
 * 3. The same with a looser fingerprint: the same payee on both sides (by IBAN when both carry one, else by name:
 *    a pending card line often has no IBAN), the same currency and direction, and an amount that moved by at most a
 *    fifth (a tip, the final exchange rate). Ties: closest date, smallest drift, most alike remittance.
 *
 * A pending line that books (by any pass) is SETTLED: it keeps its Passerelle id and carries the superseded pending
 * bank id. A booked amount that differs from the authorisation is a SETTLED whose `changedFields` include `amount`,
 * not a separate MODIFIED: subscribers see one event for one bank event. Incoming lines never match each other, so
 * the feed's own duplicates (two coffees, same amount, payee and day) stay two lines.
 */
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import type { IsoDate, ProviderTransaction, TransactionStatus } from '../../../providers/types';
import { transactionFingerprint } from './fingerprint';
import {
  type ChangedField,
  changedFields,
  remittanceSimilarity,
  sameCounterparty,
  settledAmountDrift,
} from './line-comparison';
import { settlementGapDays } from './settlement-window';

/** A line as the store holds it: the bank's fields, Passerelle's id and the fingerprint column. */
export interface StoredTransaction extends ProviderTransaction {
  /** Passerelle's id: one for the line's whole life, across pending → booked and a change of bank id. */
  id: string;
  fingerprint: string;
}

/** Both ends inclusive, as `TransactionQuery`. */
export interface SyncWindow {
  from: IsoDate;
  to: IsoDate;
}

export interface FeedDiffInput {
  /**
   * The account's stored lines from `storedLinesSince(window.from)` on. Lines dated outside the window are matched
   * (a pending line from before the window may book inside it) but never removed: the bank did not send their dates.
   * Lines already removed must not be passed again.
   */
  stored: readonly StoredTransaction[];
  window: SyncWindow;
  /** Everything the bank sent for the window, booked and pending. */
  feed: readonly ProviderTransaction[];
}

export type MatchedBy = 'BANK_ID' | 'FINGERPRINT' | 'SAME_PAYEE';

export interface AddedChange {
  kind: 'ADDED';
  /** The new line's Passerelle id. */
  id: string;
  transaction: ProviderTransaction;
  fingerprint: string;
}

export interface SettledChange {
  kind: 'SETTLED';
  id: string;
  /** The bank id the pending line had; the same as the new one at banks that keep it. */
  supersededProviderTransactionId: string;
  transaction: ProviderTransaction;
  fingerprint: string;
  /** Always `status`, and whatever else moved on booking (bank id, dates, an amount with a tip). */
  changedFields: ChangedField[];
  matchedBy: MatchedBy;
}

export interface ModifiedChange {
  kind: 'MODIFIED';
  id: string;
  transaction: ProviderTransaction;
  fingerprint: string;
  /** Only `fingerprint` when the stored column was written by an older recipe: a re-stamp, not a bank event. */
  changedFields: ChangedField[];
}

export interface RemovedChange {
  kind: 'REMOVED';
  id: string;
  providerTransactionId: string;
  status: TransactionStatus;
  /**
   * `PENDING_RELEASED`: an authorisation the bank let go (cancelled, expired). `BOOKED_VANISHED`: a booked line the
   * bank no longer sends inside the window; banks rarely delete booked lines, so the engine may want to hold it back
   * or alert rather than delete at once.
   */
  reason: 'PENDING_RELEASED' | 'BOOKED_VANISHED';
}

export type FeedChange = AddedChange | SettledChange | ModifiedChange | RemovedChange;

export interface FeedDiff {
  /** Oldest line first, then in the feed's order; removals after the other changes of their date, by id. */
  changes: FeedChange[];
  /** Stored lines the feed sent again with nothing changed. */
  unchanged: number;
}

export interface FeedDiffOptions {
  /** Makes the Passerelle ids of new lines; a random UUID by default. */
  newId?: () => string;
}

interface Incoming {
  index: number;
  transaction: ProviderTransaction;
  fingerprint: string;
}

interface Pair {
  stored: StoredTransaction;
  incoming: Incoming;
  matchedBy: MatchedBy;
}

/** One possible pairing of a stored pending line with an incoming booked one, and how good it is (lower is better). */
interface Candidate {
  stored: StoredTransaction;
  incoming: Incoming;
  gapDays: number;
  drift: Decimal;
  similarity: number;
}

export function diffFeed(input: FeedDiffInput, options: FeedDiffOptions = {}): FeedDiff {
  const { window } = input;
  if (window.from > window.to) throw new RangeError(`sync window ends before it starts: ${window.from}..${window.to}`);
  const newId = options.newId ?? randomUUID;
  const incoming = withoutPendingEchoes(input.feed).map((transaction, index) => ({
    index,
    transaction,
    fingerprint: transactionFingerprint(transaction),
  }));
  const storedIds = new Set<string>();
  for (const line of input.stored) {
    if (storedIds.has(line.id)) throw new RangeError(`stored line ${line.id} passed twice`);
    storedIds.add(line.id);
  }

  const pairs = new Map<number, Pair>();
  const takenStored = new Set<string>();
  const take = (pair: Pair): void => {
    pairs.set(pair.incoming.index, pair);
    takenStored.add(pair.stored.id);
  };

  for (const pair of pairByBankId(input.stored, incoming)) take(pair);

  const pendingLeft = (): StoredTransaction[] =>
    input.stored.filter((line) => line.status === 'PENDING' && !takenStored.has(line.id));
  const bookedLeft = (): Incoming[] =>
    incoming.filter((line) => line.transaction.status === 'BOOKED' && !pairs.has(line.index));

  for (const candidate of pickOneToOne(settlementCandidates(pendingLeft(), bookedLeft(), 'FINGERPRINT'))) {
    take({ stored: candidate.stored, incoming: candidate.incoming, matchedBy: 'FINGERPRINT' });
  }
  for (const candidate of pickOneToOne(settlementCandidates(pendingLeft(), bookedLeft(), 'SAME_PAYEE'))) {
    take({ stored: candidate.stored, incoming: candidate.incoming, matchedBy: 'SAME_PAYEE' });
  }

  const ordered: { date: IsoDate; order: number; change: FeedChange }[] = [];
  let unchanged = 0;
  for (const line of incoming) {
    const change = changeFor(line, pairs.get(line.index), newId);
    if (change) ordered.push({ date: line.transaction.date, order: line.index, change });
    else unchanged += 1;
  }
  const removed = input.stored
    .filter((line) => !takenStored.has(line.id) && line.date >= window.from && line.date <= window.to)
    .sort((a, b) => compareText(a.id, b.id));
  removed.forEach((line, position) => {
    ordered.push({
      date: line.date,
      order: incoming.length + position,
      change: {
        kind: 'REMOVED',
        id: line.id,
        providerTransactionId: line.providerTransactionId,
        status: line.status,
        reason: line.status === 'PENDING' ? 'PENDING_RELEASED' : 'BOOKED_VANISHED',
      },
    });
  });
  ordered.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  return { changes: ordered.map((entry) => entry.change), unchanged };
}

/**
 * Some banks list a line under both `booked` and `pending` for a while after it books, under the same id. The
 * pending copy is an echo of the booked one, not a second payment, whatever its amount (the tip is on the booked
 * line). It must carry the same value date, though: an adapter that derives ids from the fields gives today's pending
 * coffee the id of yesterday's identical coffee booked today, and that one is a second payment.
 */
function withoutPendingEchoes(feed: readonly ProviderTransaction[]): ProviderTransaction[] {
  const bookedById = new Map<string, ProviderTransaction[]>();
  for (const line of feed) {
    if (line.status !== 'BOOKED') continue;
    const group = bookedById.get(line.providerTransactionId);
    if (group) group.push(line);
    else bookedById.set(line.providerTransactionId, [line]);
  }
  const isEcho = (pending: ProviderTransaction): boolean =>
    (bookedById.get(pending.providerTransactionId) ?? []).some(
      (line) => !line.valueDate || !pending.valueDate || line.valueDate === pending.valueDate,
    );
  return feed.filter((line) => line.status === 'BOOKED' || !isEcho(line));
}

/**
 * Pass 1. Lines sharing a bank id are paired one to one, best pairs first: booked incoming lines before pending ones
 * (a stored authorisation goes to its booked version rather than to a pending line left beside it), then the pairs
 * that differ in the fewest fields. The order is total and looks only at the lines' contents and ids, never at where
 * they sit in the feed, so a bank listing twins in another order gets the same pairs.
 */
function pairByBankId(stored: readonly StoredTransaction[], incoming: readonly Incoming[]): Pair[] {
  const storedByBankId = groupBy(stored, (line) => line.providerTransactionId);
  const incomingByBankId = groupBy(incoming, (line) => line.transaction.providerTransactionId);
  const pairs: Pair[] = [];
  for (const [bankId, lines] of incomingByBankId) {
    const candidates = storedByBankId.get(bankId);
    if (!candidates) continue;
    // The usual case, one line on each side, needs no comparison.
    if (candidates.length === 1 && lines.length === 1) {
      pairs.push({ stored: candidates[0], incoming: lines[0], matchedBy: 'BANK_ID' });
      continue;
    }
    const options = lines.flatMap((line) =>
      candidates.map((candidate) => ({
        stored: candidate,
        incoming: line,
        booked: line.transaction.status === 'BOOKED',
        differences: changedFields(candidate, { ...line.transaction, fingerprint: line.fingerprint }).length,
        content: JSON.stringify(line.transaction),
      })),
    );
    options.sort(
      (a, b) =>
        Number(b.booked) - Number(a.booked) ||
        a.differences - b.differences ||
        compareText(a.stored.id, b.stored.id) ||
        compareText(a.content, b.content),
    );
    const storedTaken = new Set<string>();
    const incomingTaken = new Set<number>();
    for (const option of options) {
      if (storedTaken.has(option.stored.id) || incomingTaken.has(option.incoming.index)) continue;
      storedTaken.add(option.stored.id);
      incomingTaken.add(option.incoming.index);
      pairs.push({ stored: option.stored, incoming: option.incoming, matchedBy: 'BANK_ID' });
    }
  }
  return pairs;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Passes 2 and 3: every (stored pending, incoming booked) pair the pass allows, with its tie-breaking measures. */
function settlementCandidates(
  pending: readonly StoredTransaction[],
  booked: readonly Incoming[],
  pass: 'FINGERPRINT' | 'SAME_PAYEE',
): Candidate[] {
  const candidates: Candidate[] = [];
  // The fingerprint pass only looks at lines with the same fingerprint: an index, not a scan of the whole feed.
  const byFingerprint = new Map<string, Incoming[]>();
  if (pass === 'FINGERPRINT') {
    for (const line of booked) {
      const group = byFingerprint.get(line.fingerprint);
      if (group) group.push(line);
      else byFingerprint.set(line.fingerprint, [line]);
    }
  }
  for (const stored of pending) {
    const lines = pass === 'FINGERPRINT' ? (byFingerprint.get(transactionFingerprint(stored)) ?? []) : booked;
    for (const line of lines) {
      let drift: Decimal | undefined;
      if (pass === 'FINGERPRINT') {
        drift = new Decimal(0);
      } else {
        if (!sameCounterparty(stored.counterparty, line.transaction.counterparty)) continue;
        drift = settledAmountDrift(stored, line.transaction);
        if (!drift) continue;
      }
      const gapDays = settlementGapDays(stored, line.transaction);
      if (gapDays === undefined) continue;
      const similarity = remittanceSimilarity(stored, line.transaction);
      candidates.push({ stored, incoming: line, gapDays, drift, similarity });
    }
  }
  return candidates;
}

/**
 * Greedy over all candidates sorted best first: the best pairing of all is taken, then the best among what is left.
 * The order is total (ids last), so the same stored lines and feed give the same pairs on every run.
 */
function pickOneToOne(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort(
    (a, b) =>
      a.gapDays - b.gapDays ||
      a.drift.comparedTo(b.drift) ||
      b.similarity - a.similarity ||
      compareText(a.stored.id, b.stored.id) ||
      compareText(a.incoming.transaction.providerTransactionId, b.incoming.transaction.providerTransactionId) ||
      a.incoming.index - b.incoming.index,
  );
  const storedTaken = new Set<string>();
  const incomingTaken = new Set<number>();
  const picked: Candidate[] = [];
  for (const candidate of sorted) {
    if (storedTaken.has(candidate.stored.id) || incomingTaken.has(candidate.incoming.index)) continue;
    storedTaken.add(candidate.stored.id);
    incomingTaken.add(candidate.incoming.index);
    picked.push(candidate);
  }
  return picked;
}

function changeFor(line: Incoming, pair: Pair | undefined, newId: () => string): FeedChange | undefined {
  const { transaction, fingerprint } = line;
  if (!pair) return { kind: 'ADDED', id: newId(), transaction, fingerprint };
  const changed = changedFields(pair.stored, { ...transaction, fingerprint });
  if (pair.stored.status === 'PENDING' && transaction.status === 'BOOKED') {
    return {
      kind: 'SETTLED',
      id: pair.stored.id,
      supersededProviderTransactionId: pair.stored.providerTransactionId,
      transaction,
      fingerprint,
      changedFields: changed,
      matchedBy: pair.matchedBy,
    };
  }
  if (changed.length === 0) return undefined;
  return { kind: 'MODIFIED', id: pair.stored.id, transaction, fingerprint, changedFields: changed };
}

/** Code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
