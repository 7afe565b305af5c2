import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The ordered outbox. Every change that subscribers may see is written here in the same transaction as the change;
 * `sequence` is global and monotonic, and it is the subscription cursor.
 */
@Entity('outbox_event')
@Index('outbox_event_owner_topic_sequence', ['ownerId', 'topic', 'sequence'])
export class OutboxEvent {
  @PrimaryGeneratedColumn('identity', { name: 'sequence', type: 'bigint' })
  sequence: string;

  @Column({ type: 'varchar', length: 64 })
  topic: string;

  /** Whose event this is: replay and live delivery both filter on it. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
