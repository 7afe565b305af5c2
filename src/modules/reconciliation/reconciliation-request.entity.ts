import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many times an owner's reconciliation was asked for. A run notes the count before it reads anything and runs
 * again if it grew meanwhile, as the run may have read its invoices and lines before the change that asked. The
 * request also queues the next run (the queue deduplicates per owner only until a run starts), which covers a request
 * made after the run's last look at the count, while its job is still leaving the queue.
 */
@Entity('reconciliation_request')
export class ReconciliationRequest {
  @PrimaryColumn({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'bigint', default: 0 })
  requested: string;
}
