import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { MoneyField } from '../../common/money';
import { TransactionCategory } from '../categories/category';

@ObjectType('CategoryFlow', { description: 'Money in and out of one category in a month.' })
export class CategoryFlowType {
  @Field(() => TransactionCategory)
  category: TransactionCategory;

  @MoneyField<CategoryFlowType>('Money in, in the month’s currency.', () => undefined)
  inflow: string;

  @MoneyField<CategoryFlowType>('Money out, positive, in the month’s currency.', () => undefined)
  outflow: string;
}

@ObjectType('CashflowMonth', {
  description: 'One month of the window, in one currency. Own transfers and money sent back are left out.',
})
export class CashflowMonthType {
  @Field({ description: 'YYYY-MM.' })
  month: string;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  @MoneyField<CashflowMonthType>('Money in.', (month) => month.currency)
  inflow: string;

  @MoneyField<CashflowMonthType>('Money out, positive.', (month) => month.currency)
  outflow: string;

  @MoneyField<CashflowMonthType>('inflow - outflow.', (month) => month.currency)
  net: string;

  @Field(() => [CategoryFlowType])
  byCategory: CategoryFlowType[];

  @MoneyField<CashflowMonthType>(
    'Average over the month’s days in the window of the shared accounts’ summed end-of-day balance; null when a bank could not give a balance.',
    (month) => month.currency,
    { nullable: true },
  )
  averageEndOfDayBalance: string | null;

  @MoneyField<CashflowMonthType>('The lowest of those end-of-day balances.', (month) => month.currency, {
    nullable: true,
  })
  minimumEndOfDayBalance: string | null;

  @Field(() => Int, { nullable: true, description: 'Days of the month in the window ending below zero.' })
  daysNegative: number | null;
}

@ArgsType()
export class CashflowArgs {
  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'First day (inclusive); default 90 days before `to`.',
  })
  from?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Last day (inclusive); default today.' })
  to?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Default: all your accounts.' })
  accountIds?: string[] | null;
}
