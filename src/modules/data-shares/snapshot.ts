import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import type { Account } from '../accounts/account.entity';
import type { Transaction } from '../transactions/transaction.entity';
import type { DataShare } from './data-share.entity';

/** The JWS `typ` of a snapshot, so a verifier can tell it from any other token signed with the same keys. */
export const SNAPSHOT_TYPE = 'passerelle-snapshot+jwt';

/**
 * One line as the digest reads it, in the fields a lender sees on `transactions`. Amounts with two decimals, so the
 * digest does not depend on how many decimals the API prints.
 */
export function canonicalLine(line: {
  id: string;
  date: string;
  status: string;
  amount: string;
  currency: string;
  counterpartyName: string | null;
  remittanceInformation: string | null;
}): string {
  return JSON.stringify([
    line.id,
    line.date,
    line.status,
    new Decimal(line.amount).toFixed(2),
    line.currency,
    line.counterpartyName,
    line.remittanceInformation,
  ]);
}

/**
 * `sha256:` + base64url SHA-256 of the window's lines, newest first as `sharedHistory.transactions` lists them
 * (date, then id, descending), each `canonicalLine`, joined with "\n". A lender recomputes it from the pages it read.
 */
export function linesDigest(lines: readonly Transaction[]): string {
  const ordered = [...lines].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? 1 : -1));
  return `sha256:${createHash('sha256').update(ordered.map(canonicalLine).join('\n')).digest('base64url')}`;
}

/** What a snapshot vouches for: who shared what with whom, over which days, and exactly which lines. */
export function snapshotClaims(
  share: DataShare,
  lender: { id: string; displayName: string },
  accounts: readonly Account[],
  windowLines: readonly Transaction[],
) {
  return {
    sub: share.id,
    aud: lender.id,
    share: {
      id: share.id,
      lender: { id: lender.id, displayName: lender.displayName },
      window: { from: share.historyFrom, to: share.historyTo },
      validUntil: share.validUntil.toISOString(),
      accounts: accounts.map((account) => ({
        id: account.id,
        iban: account.iban,
        name: account.name,
        currency: account.currency,
      })),
      transactions: { count: windowLines.length, digest: linesDigest(windowLines) },
    },
  };
}
