import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { MoneyField } from '../../common/money';
import { Account } from '../accounts/account.entity';

export enum TransactionStatus {
  BOOKED = 'BOOKED',
  PENDING = 'PENDING',
}
registerEnumType(TransactionStatus, { name: 'TransactionStatus' });

export enum TransactionDirection {
  /** Money in. */
  CREDIT = 'CREDIT',
  /** Money out. */
  DEBIT = 'DEBIT',
}
registerEnumType(TransactionDirection, { name: 'TransactionDirection' });

/**
 * A bank line, from any bank, in one shape. Its id is Passerelle's and stays the same when a pending line books,
 * even under a new bank id (see src/modules/sync/engine/README.md for the matching rule). Amounts are `numeric`, read as strings.
 */
@ObjectType({ description: 'A bank transaction, from any bank, in one shape.' })
@Entity('transaction')
@Index('transaction_account_date_id', ['accountId', 'date', 'id'])
@Index('transaction_owner_date_id', ['ownerId', 'date', 'id'])
@Index('transaction_account_provider_id', ['accountId', 'providerTransactionId'])
export class Transaction {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @ManyToOne(() => Account, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: Account;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'provider_transaction_id', type: 'text' })
  providerTransactionId: string;

  @Field(() => TransactionStatus)
  @Column({ type: 'varchar', length: 8 })
  status: TransactionStatus;

  @MoneyField<Transaction>('Signed: positive is money in, negative money out.', (line) => line.currency)
  @Column({ type: 'numeric', precision: 20, scale: 5 })
  amount: string;

  @Field({ description: 'ISO 4217 currency code.' })
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Field(() => LocalDateResolver, { description: 'Booking date, else value date, else transaction date.' })
  @Column({ type: 'date' })
  date: string;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ name: 'booking_date', type: 'date', nullable: true })
  bookingDate: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ name: 'value_date', type: 'date', nullable: true })
  valueDate: string | null;

  @Field(() => String, { nullable: true, description: 'The debtor of a credit, the creditor of a debit.' })
  @Column({ name: 'counterparty_name', type: 'text', nullable: true })
  counterpartyName: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'counterparty_iban', type: 'varchar', length: 34, nullable: true })
  counterpartyIban: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'counterparty_bic', type: 'varchar', length: 11, nullable: true })
  counterpartyBic: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'remittance_unstructured', type: 'text', nullable: true })
  remittanceInformation: string | null;

  @Field(() => String, { nullable: true, description: 'A creditor reference (ISO 11649 RF, or national).' })
  @Column({ name: 'remittance_structured', type: 'text', nullable: true })
  structuredReference: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'end_to_end_id', type: 'text', nullable: true })
  endToEndId: string | null;

  @Column({ name: 'mandate_id', type: 'text', nullable: true })
  mandateId: string | null;

  @Column({ name: 'creditor_id', type: 'text', nullable: true })
  creditorId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'bank_transaction_code', type: 'text', nullable: true })
  bankTransactionCode: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 18245 merchant category code of a card payment.' })
  @Column({ name: 'merchant_category_code', type: 'varchar', length: 4, nullable: true })
  merchantCategoryCode: string | null;

  @Column({ name: 'entry_reference', type: 'text', nullable: true })
  entryReference: string | null;

  /** The sync engine's matching key for pending → booked under a new bank id. */
  @Column({ type: 'varchar', length: 128 })
  fingerprint: string;

  /** Set when the bank stopped sending the line (a released card authorisation); such lines are hidden. */
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
