/** Builders for feed-diff tests, and a store in memory that applies changes as the sync engine's transaction would. */
import type { Money, ProviderTransaction } from '../../src/providers/types';
import {
  type FeedChange,
  type FeedDiff,
  type StoredTransaction,
  type SyncWindow,
  diffFeed,
} from '../../src/modules/sync/engine/feed-diff';
import { transactionFingerprint } from '../../src/modules/sync/engine/fingerprint';

export function eur(amount: string): Money {
  return { amount, currency: 'EUR' };
}

export const WINDOW: SyncWindow = { from: '2026-11-01', to: '2026-11-25' };

/** A booked card payment at a café unless told otherwise. */
export function bankLine(providerTransactionId: string, over: Partial<ProviderTransaction> = {}): ProviderTransaction {
  return {
    providerTransactionId,
    amount: { amount: '-3.50', currency: 'EUR' },
    status: 'BOOKED',
    bookingDate: '2026-11-12',
    valueDate: '2026-11-11',
    date: '2026-11-12',
    counterparty: { name: 'Café de la Gare' },
    remittanceUnstructured: 'CARD ****4242 CAFE DE LA GARE LYON',
    bankTransactionCode: 'PMNT-CCRD-POSD',
    ...over,
  };
}

/** The same line while it is still an authorisation: no booking date, dated the day it was made. */
export function pendingLine(
  providerTransactionId: string,
  over: Partial<ProviderTransaction> = {},
): ProviderTransaction {
  return bankLine(providerTransactionId, {
    status: 'PENDING',
    bookingDate: undefined,
    valueDate: '2026-11-11',
    date: '2026-11-11',
    ...over,
  });
}

export function stored(id: string, line: ProviderTransaction): StoredTransaction {
  return { ...line, id, fingerprint: transactionFingerprint(line) };
}

export function sequentialIds(prefix = 'ptx'): () => string {
  let next = 0;
  return () => `${prefix}-${String((next += 1)).padStart(4, '0')}`;
}

/** What the store holds after the engine applied `changes`: one row per Passerelle id, removed rows gone. */
export function applyChanges(
  before: readonly StoredTransaction[],
  changes: readonly FeedChange[],
): StoredTransaction[] {
  const rows = new Map(before.map((line) => [line.id, line]));
  for (const change of changes) {
    if (change.kind === 'REMOVED') {
      if (!rows.delete(change.id)) throw new Error(`removed a line that is not stored: ${change.id}`);
      continue;
    }
    if (change.kind === 'ADDED' && rows.has(change.id)) throw new Error(`added an id already stored: ${change.id}`);
    if (change.kind !== 'ADDED' && !rows.has(change.id))
      throw new Error(`changed a line that is not stored: ${change.id}`);
    rows.set(change.id, { ...change.transaction, id: change.id, fingerprint: change.fingerprint });
  }
  return [...rows.values()];
}

export interface SyncResult {
  diff: FeedDiff;
  after: StoredTransaction[];
}

export function sync(
  before: readonly StoredTransaction[],
  feed: readonly ProviderTransaction[],
  window: SyncWindow = WINDOW,
  newId: () => string = sequentialIds(),
): SyncResult {
  const diff = diffFeed({ stored: before, window, feed }, { newId });
  return { diff, after: applyChanges(before, diff.changes) };
}

export function kinds(diff: FeedDiff): string[] {
  return diff.changes.map((change) => change.kind);
}
