import { IsOptional, Length, Matches, ValidateNested } from 'class-validator';
import { LocalDateResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, ForwardPaginationArgs } from '../../common/relay';
import { Transaction, TransactionDirection, TransactionStatus } from './transaction.entity';

export const TransactionConnection = ConnectionType(Transaction, 'Transaction');

const DECIMAL = /^\d{1,15}(\.\d{1,5})?$/;

@InputType({ description: 'Every field narrows the result; all are optional.' })
export class TransactionFilter {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'From this date on (inclusive).' })
  from?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Up to this date (inclusive).' })
  to?: string | null;

  @Field(() => String, { nullable: true, description: 'Smallest absolute amount, as a decimal string.' })
  @IsOptional()
  @Matches(DECIMAL, { message: 'minAmount must be a non-negative decimal such as 100.00' })
  minAmount?: string | null;

  @Field(() => String, { nullable: true, description: 'Largest absolute amount, as a decimal string.' })
  @IsOptional()
  @Matches(DECIMAL, { message: 'maxAmount must be a non-negative decimal such as 2500.00' })
  maxAmount?: string | null;

  @Field(() => TransactionDirection, { nullable: true })
  direction?: TransactionDirection | null;

  @Field(() => TransactionStatus, { nullable: true })
  status?: TransactionStatus | null;

  @Field(() => String, { nullable: true, description: 'Text in the counterparty, the remittance or the reference.' })
  @IsOptional()
  @Length(1, 100, { message: 'text must be 1 to 100 characters long' })
  text?: string | null;
}

@ArgsType()
export class TransactionsArgs extends ForwardPaginationArgs {
  @Field(() => TransactionFilter, { nullable: true })
  @ValidateNested()
  filter?: TransactionFilter | null;
}

@ArgsType()
export class AccountTransactionsArgs extends ForwardPaginationArgs {
  @Field(() => LocalDateResolver, { nullable: true })
  from?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  to?: string | null;

  @Field(() => TransactionStatus, { nullable: true })
  status?: TransactionStatus | null;
}

export enum TransactionChangeKind {
  ADDED = 'ADDED',
  /** A pending line booked; `supersededProviderTransactionId` is the bank id it had while pending. */
  SETTLED = 'SETTLED',
  MODIFIED = 'MODIFIED',
  /** The bank stopped sending the line (a released card authorisation). */
  REMOVED = 'REMOVED',
}
registerEnumType(TransactionChangeKind, { name: 'TransactionChangeKind' });

@ObjectType()
export class TransactionEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => Transaction)
  transaction: Transaction;
}

@ObjectType()
export class TransactionChangeEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => TransactionChangeKind)
  kind: TransactionChangeKind;

  @Field(() => Transaction)
  transaction: Transaction;

  @Field(() => String, { nullable: true })
  supersededProviderTransactionId: string | null;

  @Field(() => String, { nullable: true, description: 'Why a line was removed: PENDING_RELEASED or BOOKED_VANISHED.' })
  reason: string | null;
}
