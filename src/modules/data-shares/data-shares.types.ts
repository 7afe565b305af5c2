import { Max, Min } from 'class-validator';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Account } from '../accounts/account.entity';
import { Institution } from '../institutions/institution.entity';
import type { DataShare } from './data-share.entity';
import { DataShareChange, DataShareStatus, MAX_HISTORY_DAYS, MAX_VALID_FOR_DAYS } from './data-shares.service';

registerEnumType(DataShareStatus, { name: 'DataShareStatus' });
registerEnumType(DataShareChange, { name: 'DataShareChange' });

@InputType()
export class CreateDataShareInput {
  @Field(() => ID, { description: 'The lender principal’s id, as its own `viewer { id }` shows.' })
  lenderId: string;

  @Field(() => [ID], { nullable: true, description: 'The accounts to share; all of yours when left out.' })
  accountIds?: string[] | null;

  @Field(() => Int, {
    defaultValue: 90,
    description: `Days of history, ending today; at most what the banks' consents cover (and ${MAX_HISTORY_DAYS}).`,
  })
  @Min(1, { message: 'historyDays must be at least 1' })
  @Max(MAX_HISTORY_DAYS, { message: `historyDays must be at most ${MAX_HISTORY_DAYS}` })
  historyDays: number;

  @Field(() => Int, {
    defaultValue: 30,
    description: `How long the lender may read, from now (1 to ${MAX_VALID_FOR_DAYS} days).`,
  })
  @Min(1, { message: 'validForDays must be at least 1' })
  @Max(MAX_VALID_FOR_DAYS, { message: `validForDays must be at most ${MAX_VALID_FOR_DAYS}` })
  validForDays: number;
}

@ObjectType({ description: 'The lender a share is for.' })
export class DataShareLender {
  @Field(() => ID)
  id: string;

  @Field()
  displayName: string;
}

@ObjectType({ description: 'One read of the share by the lender.' })
export class DataShareAccessEntry {
  @Field()
  at: Date;

  @Field({ description: 'What was read, e.g. `sharedHistory.transactions`.' })
  operation: string;
}

@ObjectType({ description: 'A shared account, as the lender sees it.' })
export class SharedAccount {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  iban: string | null;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  @Field(() => Institution)
  institution: Institution;

  /** The stored account, for the balance read. */
  source: Account;
}

@ObjectType('DataShare', { description: 'An owner’s grant to a lender: accounts, a window of history, a validity.' })
export class DataShareType {
  @Field(() => ID)
  id: string;

  @Field(() => DataShareStatus)
  status: DataShareStatus;

  @Field(() => Int, { description: 'The days of history the owner asked for.' })
  historyDays: number;

  @Field(() => LocalDateResolver, {
    description: 'The window’s first day (inclusive); later than asked when the consents cover less.',
  })
  historyFrom: string;

  @Field(() => LocalDateResolver, { description: 'The window’s last day (inclusive): the day the share was made.' })
  historyTo: string;

  @Field()
  validUntil: Date;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  /** The stored share, for the field resolvers. */
  source: DataShare;

  static from(share: DataShare, status: DataShareStatus): DataShareType {
    return Object.assign(new DataShareType(), {
      id: share.id,
      status,
      historyDays: share.historyDays,
      historyFrom: share.historyFrom,
      historyTo: share.historyTo,
      validUntil: share.validUntil,
      createdAt: share.createdAt,
      revokedAt: share.revokedAt,
      source: share,
    });
  }
}

@ObjectType({ description: 'What a lender reads of one share. Every field is logged for the owner.' })
export class SharedHistory {
  @Field(() => DataShareType)
  share: DataShareType;
}

export function sharedAccount(account: Account & { connection: { institution: Institution } }): SharedAccount {
  return Object.assign(new SharedAccount(), {
    id: account.id,
    name: account.name,
    iban: account.iban,
    currency: account.currency,
    institution: account.connection.institution,
    source: account,
  });
}

@ObjectType()
export class DataShareChangedEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => DataShareChange)
  change: DataShareChange;

  @Field(() => DataShareType)
  share: DataShareType;
}
