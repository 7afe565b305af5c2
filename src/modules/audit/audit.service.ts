import type { EntityManager } from 'typeorm';
import { AuditEvent, type AuditAction } from './audit-event.entity';

export interface AuditEntry {
  principalId: string | null;
  ownerId: string | null;
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

/** Writes audit rows inside the caller's transaction, so an event is recorded if and only if its change is. */
export async function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  // TypeORM types jsonb columns as deep partials of the declared type; any JSON object is valid here.
  await manager.insert(AuditEvent, { ...entry, details: (entry.details ?? {}) as never });
}
