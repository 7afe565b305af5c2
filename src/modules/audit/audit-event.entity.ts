import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditAction =
  | 'CONSENT_STARTED'
  | 'CONSENT_AUTHORISED'
  | 'CONSENT_REJECTED'
  | 'CONSENT_REVOKED'
  | 'CONSENT_EXPIRED'
  | 'CONSENT_EXPIRES_SOON'
  | 'CONSENT_RENEWAL_STARTED'
  | 'CONSENT_BANK_REVOCATION_FAILED'
  | 'ACCOUNTS_PURGED'
  | 'API_KEY_ISSUED'
  | 'CONNECTION_DELETED'
  | 'PAYMENT_INITIATED'
  | 'PAYMENT_CREATION_FAILED'
  | 'PAYMENT_STATUS_CHANGED'
  | 'PAYMENT_CANCELLED';

/** Who did what to which row, and when. Append-only: nothing updates or deletes these rows. */
@Entity('audit_event')
@Index('audit_event_owner_occurred', ['ownerId', 'occurredAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** The principal who acted; null when the gateway acted on its own (expiry sweep, bank-side revocation). */
  @Column({ name: 'principal_id', type: 'uuid', nullable: true })
  principalId: string | null;

  /** Whose data the event concerns. */
  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: AuditAction;

  @Column({ name: 'subject_type', type: 'varchar', length: 32 })
  subjectType: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
