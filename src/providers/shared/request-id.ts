import { createHash, randomUUID } from 'node:crypto';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh X-Request-ID for a request that has no idempotency key. */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * The X-Request-ID that carries a client's idempotency key. Berlin Group requires a UUID there, so a key that is not
 * one is hashed into a name-based UUID (RFC 4122 §4.3 layout, SHA-256): the same key always gives the same id, which
 * is what makes a replayed payment creation the same payment at the bank.
 */
export function requestIdForIdempotencyKey(idempotencyKey: string): string {
  if (uuidPattern.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  const bytes = createHash('sha256').update(`passerelle:${idempotencyKey}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
