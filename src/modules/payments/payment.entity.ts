import { MoneyField } from '../../common/money';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Account } from '../accounts/account.entity';

/** The ISO 20022 payment statuses clients see (pain.002 `TransactionStatus`, as Berlin Group and STET report them). */
export enum PaymentStatus {
  /** Received by the bank, not yet authorised by the payer. */
  RCVD = 'RCVD',
  /** Technical checks passed. */
  ACTC = 'ACTC',
  /** Accepted by the payer's bank (SCA done). */
  ACCP = 'ACCP',
  /** Settlement in progress: the debit is on the account. */
  ACSP = 'ACSP',
  /** Settled: final. */
  ACSC = 'ACSC',
  /** Pending a further check at the bank. */
  PDNG = 'PDNG',
  /** Rejected: final, with a reason. */
  RJCT = 'RJCT',
  /** Cancelled: final. */
  CANC = 'CANC',
}
registerEnumType(PaymentStatus, { name: 'PaymentStatus', description: 'ISO 20022 payment status.' });

/** Statuses after which the bank reports no further change. */
export const FINAL_STATUSES: readonly PaymentStatus[] = [PaymentStatus.ACSC, PaymentStatus.RJCT, PaymentStatus.CANC];

/**
 * A SEPA credit transfer an owner initiated. One row per (owner, idempotency key), enforced by a unique index, so
 * that concurrent requests with the same key on any gateway replica end on this one row; the row is created before
 * the bank is called and is locked while it is (see PaymentsService.initiate).
 */
@ObjectType({
  description: 'A SEPA credit transfer initiated through Passerelle; executed only after SCA at the bank.',
})
@Entity('payment')
@Index('payment_owner_idempotency_key', ['ownerId', 'idempotencyKey'], { unique: true })
@Index('payment_owner_created_id', ['ownerId', 'createdAt', 'id'])
export class Payment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** The principal whose key initiated the payment. */
  @Column({ name: 'principal_id', type: 'uuid' })
  principalId: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255 })
  idempotencyKey: string;

  /** SHA-256 of the normalized input: the same key with another input is refused, not replayed. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @ManyToOne(() => Account, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'debtor_account_id' })
  debtorAccount: Account;

  @Column({ name: 'debtor_account_id', type: 'uuid' })
  debtorAccountId: string;

  @Field(() => PaymentStatus)
  @Column({ type: 'varchar', length: 4 })
  status: PaymentStatus;

  @Field(() => String, { nullable: true, description: 'Why the payment was rejected or cancelled.' })
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @MoneyField<Payment>('What the payee receives.', (payment) => payment.currency)
  @Column({ type: 'numeric', precision: 18, scale: 2 })
  amount: string;

  @Field({ description: 'ISO 4217 currency code.' })
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Field()
  @Column({ name: 'creditor_name', type: 'varchar', length: 70 })
  creditorName: string;

  @Field()
  @Column({ name: 'creditor_iban', type: 'varchar', length: 34 })
  creditorIban: string;

  @Field(() => String, { nullable: true })
  @Column({ name: 'remittance_information', type: 'varchar', length: 140, nullable: true })
  remittanceInformation: string | null;

  @Field({ description: 'The end-to-end id sent to the bank; the bank lines of this payment carry it.' })
  @Column({ name: 'end_to_end_id', type: 'varchar', length: 35 })
  endToEndId: string;

  @Column({ name: 'redirect_uri', type: 'text', nullable: true })
  redirectUri: string | null;

  /** The bank's id for the payment; null until the bank acknowledged its creation. */
  @Column({ name: 'provider_payment_id', type: 'text', nullable: true })
  providerPaymentId: string | null;

  /** The bank's SCA link, encrypted: it names the payment at the bank, and replays of the key answer it again. */
  @Column({ name: 'authorisation_url_enc', type: 'text', nullable: true })
  authorisationUrlEnc: string | null;

  /** SHA-256 of the `state` the bank's redirect carries back; ties the callback to this payment, once. */
  @Index('payment_state_hash', { unique: true })
  @Column({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash: string;

  @Column({ name: 'callback_used_at', type: 'timestamptz', nullable: true })
  callbackUsedAt: Date | null;

  /** Milliseconds, as JavaScript dates hold them, so a page cursor made of it names its row exactly. */
  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
