import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { BalanceType as ProviderBalanceType, ProviderBalance } from '../../providers';
import { MoneyField } from '../../common/money';

/** ISO 20022 balance types, as Berlin Group names them; STET's CLBD/XPCD/VALU/OTHR arrive mapped onto these. */
export enum BalanceType {
  CLOSING_BOOKED = 'CLOSING_BOOKED',
  EXPECTED = 'EXPECTED',
  INTERIM_AVAILABLE = 'INTERIM_AVAILABLE',
  INTERIM_BOOKED = 'INTERIM_BOOKED',
  OPENING_BOOKED = 'OPENING_BOOKED',
  FORWARD_AVAILABLE = 'FORWARD_AVAILABLE',
  NON_INVOICED = 'NON_INVOICED',
  OTHER = 'OTHER',
}
registerEnumType(BalanceType, { name: 'BalanceType' });

const BALANCE_TYPES: Record<ProviderBalanceType, BalanceType> = {
  closingBooked: BalanceType.CLOSING_BOOKED,
  expected: BalanceType.EXPECTED,
  interimAvailable: BalanceType.INTERIM_AVAILABLE,
  interimBooked: BalanceType.INTERIM_BOOKED,
  openingBooked: BalanceType.OPENING_BOOKED,
  forwardAvailable: BalanceType.FORWARD_AVAILABLE,
  nonInvoiced: BalanceType.NON_INVOICED,
  other: BalanceType.OTHER,
};

@ObjectType({ description: 'One balance of an account, as the bank reported it.' })
export class Balance {
  @Field(() => BalanceType)
  type: BalanceType;

  @MoneyField<Balance>('Negative when the account is overdrawn.', (balance) => balance.currency)
  amount: string;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  @Field(() => String, {
    nullable: true,
    description: 'The calendar day (YYYY-MM-DD) the bank says the balance is for.',
  })
  referenceDate: string | null;

  @Field(() => Date, { nullable: true, description: 'When the bank last saw the balance change.' })
  lastChangeDateTime: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the amount includes the credit limit, when the bank says.',
  })
  creditLimitIncluded: boolean | null;

  static from(balance: ProviderBalance): Balance {
    return Object.assign(new Balance(), {
      type: BALANCE_TYPES[balance.type],
      amount: balance.amount.amount,
      currency: balance.amount.currency,
      referenceDate: balance.referenceDate ?? null,
      lastChangeDateTime: balance.lastChangeDateTime ? new Date(balance.lastChangeDateTime) : null,
      creditLimitIncluded: balance.creditLimitIncluded ?? null,
    });
  }
}

export enum BalancesSource {
  LIVE = 'LIVE',
  CACHED = 'CACHED',
}
registerEnumType(BalancesSource, {
  name: 'BalancesSource',
  valuesConfig: {
    LIVE: { description: 'Read from the bank for this request.' },
    CACHED: {
      description: 'Read from the bank earlier (at fetchedAt) and kept to spare the unattended access budget.',
    },
  },
});

@ObjectType({ description: 'Where the balances in this response come from, and how old they are.' })
export class BalancesFreshness {
  @Field(() => BalancesSource)
  source: BalancesSource;

  @Field({ description: 'When the bank was read.' })
  fetchedAt: Date;
}

@ObjectType({
  description:
    'PSD2 RTS art. 36(5): the unattended reads of this account the consent still allows today (UTC). Reads made while the user is present (X-PSU-IP-Address) do not count.',
})
export class AccessBudget {
  @Field(() => Int)
  remaining: number;

  @Field(() => Int, { description: 'Unattended reads a day under the consent (frequencyPerDay).' })
  perDay: number;

  @Field({ description: 'The next UTC midnight, when the bank gives the budget back.' })
  resetsAt: Date;
}
