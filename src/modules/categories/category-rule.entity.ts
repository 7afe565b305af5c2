import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TransactionCategory } from './category';

/** What an owner taught by overriding a category: every line with this counterparty gets this category. */
@Entity('category_rule')
@Index('category_rule_owner_counterparty', ['ownerId', 'counterpartyKey'], { unique: true })
export class CategoryRule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** The counterparty's IBAN when known, else its normalised name (see `counterpartyKey`). */
  @Column({ name: 'counterparty_key', type: 'text' })
  counterpartyKey: string;

  @Column({ type: 'varchar', length: 32 })
  category: TransactionCategory;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
