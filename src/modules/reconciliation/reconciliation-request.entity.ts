import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many times an owner's reconciliation was asked for. A run notes the count before it reads anything and runs
 * again if it grew meanwhile: a request queued while a run is in progress is absorbed by that run's job (the queue
 * deduplicates per owner), and the run may have read its invoices and lines before the change that asked.
 */
@Entity('reconciliation_request')
export class ReconciliationRequest {
  @PrimaryColumn({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'bigint', default: 0 })
  requested: string;
}
