import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { MoneyField } from '../../common/money';

export enum InvoiceStatus {
  OPEN = 'OPEN',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  PAID = 'PAID',
  /** More money arrived for it than it asked; the excess is reported, never absorbed. */
  OVERPAID = 'OVERPAID',
}
registerEnumType(InvoiceStatus, { name: 'InvoiceStatus' });

/**
 * An invoice pushed by the owner's invoicing tool. Its number is the owner's key (upserts are idempotent by it).
 * Amounts are `numeric`, read as decimal strings; what reconciliation allocated is kept beside what the invoice asks.
 */
@ObjectType({ description: 'An invoice the owner waits to be paid for, and how much of it the bank feed settled.' })
@Entity('invoice')
@Index('invoice_owner_number', ['ownerId', 'number'], { unique: true })
@Index('invoice_owner_issue_date_id', ['ownerId', 'issueDate', 'id'])
export class Invoice {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field({ description: 'The number printed on the invoice, unique per owner.' })
  @Column({ type: 'text' })
  number: string;

  @Field()
  @Column({ name: 'customer_name', type: 'text' })
  customerName: string;

  @Field(() => String, { nullable: true })
  @Column({ name: 'customer_iban', type: 'varchar', length: 34, nullable: true })
  customerIban: string | null;

  @MoneyField<Invoice>('What the invoice asks, including VAT; positive.', (invoice) => invoice.currency)
  @Column({ type: 'numeric', precision: 20, scale: 5 })
  amount: string;

  @Field({ description: 'ISO 4217 currency code.' })
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Field(() => LocalDateResolver)
  @Column({ name: 'issue_date', type: 'date' })
  issueDate: string;

  @Field(() => LocalDateResolver)
  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Field(() => String, { nullable: true, description: 'A creditor reference: ISO 11649 RF or Belgian OGM/VCS.' })
  @Column({ name: 'structured_reference', type: 'text', nullable: true })
  structuredReference: string | null;

  @Field(() => InvoiceStatus)
  @Column({ type: 'varchar', length: 16, default: InvoiceStatus.OPEN })
  status: InvoiceStatus;

  @MoneyField<Invoice>(
    'What matched bank credits allocated to it (suggestions included, until rejected); zero or positive.',
    (invoice) => invoice.currency,
  )
  @Column({ name: 'amount_paid', type: 'numeric', precision: 20, scale: 5, default: 0 })
  amountPaid: string;

  @MoneyField<Invoice>(
    'An underpayment within tolerance that settled it (bank charges, a discount); zero or positive.',
    (invoice) => invoice.currency,
  )
  @Column({ name: 'amount_written_off', type: 'numeric', precision: 20, scale: 5, default: 0 })
  amountWrittenOff: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
