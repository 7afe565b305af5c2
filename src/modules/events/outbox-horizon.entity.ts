import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far the retention sweep has deleted the outbox: one row. A reader whose cursor is below `expiredThrough` may
 * have lost events to the sweep, so it is told CURSOR_EXPIRED instead of being handed a stream with a hole in it.
 */
@Entity('outbox_horizon')
@Check('outbox_horizon_single_row', '"id"')
export class OutboxHorizon {
  @PrimaryColumn({ type: 'boolean', default: true, primaryKeyConstraintName: 'PK_outbox_horizon' })
  id: boolean;

  /** Every event numbered up to this may be gone; 0 until the first sweep deletes anything. */
  @Column({ name: 'expired_through', type: 'bigint', default: 0 })
  expiredThrough: string;
}
