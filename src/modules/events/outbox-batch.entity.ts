import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The ordered outbox, stored as batches: every change that subscribers may see is written here in the same
 * transaction as the change. Each event has its own number from one global sequence (`outbox_sequence`), and that
 * number is its subscription cursor; a row holds the consecutive events `firstSequence..lastSequence` of one topic and
 * owner, in order. A first sync writes a year of lines at once: one row per few hundred events instead of one per
 * event keeps the outbox from doubling the cost of storing them (bench:unified).
 */
@Entity('outbox_batch')
@Index('outbox_batch_owner_topic_sequence', ['ownerId', 'topic', 'lastSequence'])
@Index('outbox_batch_created_at', ['createdAt'])
export class OutboxBatch {
  /** The key: a reader resuming after cursor N wants every row whose last event is past N. */
  @PrimaryColumn({ name: 'last_sequence', type: 'bigint' })
  lastSequence: string;

  @Column({ name: 'first_sequence', type: 'bigint' })
  firstSequence: string;

  @Column({ type: 'varchar', length: 64 })
  topic: string;

  /** Whose events these are: replay and live delivery both filter on it. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** The events' payloads, the one numbered `firstSequence` first; `json`, stored as written (see the migration). */
  @Column({ type: 'json' })
  payloads: Record<string, unknown>[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
