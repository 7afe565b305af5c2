import { createHash } from 'node:crypto';

/**
 * A stable id for a transaction line the bank gave no id to (as midday's enablebanking transform does): a hash of the
 * fields that identify it. Two identical lines on the same day get the same id; the sync engine's fingerprint
 * matching owns that case.
 */
export function derivedTransactionId(fields: (string | undefined)[]): string {
  return `h-${createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32)}`;
}
