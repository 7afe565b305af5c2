import type { EntityManager } from 'typeorm';

/**
 * Serializes, per owner, every transaction that writes invoices or matches (a push, a reconciliation run, a confirm
 * or reject): each reads amounts paid and existing pairs, then writes from them, so two at once could link the same
 * money twice. Held until the transaction ends.
 */
export async function lockInvoicesOf(manager: EntityManager, ownerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('invoices:' || $1))`, [ownerId]);
}
