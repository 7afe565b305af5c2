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
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MoneyField } from '../../common/money';
import type { Signal } from './engine';
import { Invoice } from '../invoices/invoice.entity';
import { Transaction } from '../transactions/transaction.entity';

export enum MatchState {
  /** The engine found decisive evidence and linked it without the owner. */
  AUTO_CONFIRMED = 'AUTO_CONFIRMED',
  /** A likely link the owner must confirm or reject. */
  SUGGESTED = 'SUGGESTED',
  CONFIRMED = 'CONFIRMED',
  /** The owner said no: this transaction is never proposed for this invoice again. */
  REJECTED = 'REJECTED',
}
registerEnumType(MatchState, { name: 'MatchState' });

@ObjectType({ description: 'One piece of evidence behind a match.' })
export class MatchSignal {
  @Field({ description: 'REFERENCE_EXACT, AMOUNT_EQUAL, PAYER_IBAN, TIE...' })
  kind: string;

  @Field(() => Float, { description: 'Evidence points; negative when it weighs against the match.' })
  points: number;

  @Field(() => String, { nullable: true })
  detail: string | null;
}

/** A match is in its transaction's currency (the engine links only lines and invoices of the same currency). */
function currencyOfMatch(match: Match): string | undefined {
  return match.transaction?.currency ?? match.invoice?.currency;
}

/**
 * One transaction → invoice pair, with the amount of the transaction allocated to that invoice. A transfer paying
 * three invoices is three matches sharing `linkId`, score and signals. A pair exists at most once, rejected or not,
 * which is how a rejected pair is never proposed again.
 */
@ObjectType({ description: 'A bank transaction linked to an invoice, with the evidence and the owner’s decision.' })
@Entity('match')
@Index('match_transaction_invoice', ['transactionId', 'invoiceId'], { unique: true })
@Index('match_owner_state', ['ownerId', 'state'])
@Index('match_invoice', ['invoiceId'])
export class Match {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** The engine's link this pair came from: every invoice one transfer paid shares it. */
  @Column({ name: 'link_id', type: 'uuid' })
  linkId: string;

  @Field(() => Transaction)
  @ManyToOne(() => Transaction, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'transaction_id' })
  transaction: Transaction;

  @Column({ name: 'transaction_id', type: 'uuid' })
  transactionId: string;

  @Field(() => Invoice)
  @ManyToOne(() => Invoice, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invoice_id' })
  invoice: Invoice;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId: string;

  @MoneyField<Match>('What of the transaction is allocated to this invoice; positive.', currencyOfMatch)
  @Column({ type: 'numeric', precision: 20, scale: 5 })
  amount: string;

  @MoneyField<Match>('A shortfall within tolerance that settled the invoice; zero or positive.', currencyOfMatch)
  @Column({ name: 'written_off', type: 'numeric', precision: 20, scale: 5, default: 0 })
  writtenOff: string;

  @Field(() => Float, { description: '0..1, comparable across matches.' })
  @Column({ type: 'double precision' })
  score: number;

  @Field(() => [MatchSignal])
  @Column({ type: 'jsonb' })
  signals: Signal[];

  @Field(() => MatchState, { description: 'What the engine decided: AUTO_CONFIRMED or SUGGESTED.' })
  @Column({ type: 'varchar', length: 16 })
  decision: MatchState;

  @Field(() => MatchState, { description: 'Where the match stands now, after the owner’s decision if any.' })
  @Column({ type: 'varchar', length: 16 })
  state: MatchState;

  @Field({
    description:
      'REJECTED because the owner rejected another pair of the same payment, not this one: the engine may propose it again.',
  })
  @Column({ type: 'boolean', default: false })
  withdrawn: boolean;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
