import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { MoneyField } from '../../common/money';
import type { PayoutItem } from '../reconciliation/engine';

/**
 * A card processor's itemised payout report: one bank credit, net of the processor's fees, settles the card payments
 * it lists. The reconciliation engine ties the credit to it by the payout id the credit quotes.
 */
@ObjectType({ description: 'A card processor’s payout report, as imported.' })
@Entity('payout_report')
@Index('payout_report_owner_payout', ['ownerId', 'payoutId'], { unique: true })
export class PayoutReport {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field({ description: 'The processor’s payout id, as the bank credit quotes it (e.g. po_…).' })
  @Column({ name: 'payout_id', type: 'varchar', length: 100 })
  payoutId: string;

  @Field(() => LocalDateResolver)
  @Column({ name: 'arrival_date', type: 'date' })
  arrivalDate: string;

  @MoneyField<PayoutReport>('Net amount credited to the bank account; positive.', (report) => report.currency)
  @Column({ type: 'numeric', precision: 20, scale: 5 })
  amount: string;

  @Field()
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Field(() => Int)
  itemCount(): number {
    return this.items.length;
  }

  /** The report's lines (charge, invoice number if known, customer, gross, fee, net), as decimal strings. */
  @Column({ type: 'jsonb' })
  items: PayoutItem[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
