import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { TransactionCategory } from '../categories/category';

@ObjectType('CategoryFlow', { description: 'Money in and out of one category in a month.' })
export class CategoryFlowType {
  @Field(() => TransactionCategory)
  category: TransactionCategory;

  @Field({ description: 'Decimal string, two decimals.' })
  inflow: string;

  @Field({ description: 'Decimal string, two decimals, positive.' })
  outflow: string;
}

@ObjectType('CashflowMonth', { description: 'One month of the window, in one currency. Own transfers and money sent back are left out.' })
export class CashflowMonthType {
  @Field({ description: 'YYYY-MM.' })
  month: string;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  @Field({ description: 'Money in, decimal string with two decimals.' })
  inflow: string;

  @Field({ description: 'Money out, as a positive decimal string with two decimals.' })
  outflow: string;

  @Field({ description: 'inflow - outflow.' })
  net: string;

  @Field(() => [CategoryFlowType])
  byCategory: CategoryFlowType[];

  @Field(() => String, { nullable: true, description: 'Average over the month’s days in the window of the shared accounts’ summed end-of-day balance; null when a bank could not give a balance.' })
  averageEndOfDayBalance: string | null;

  @Field(() => String, { nullable: true })
  minimumEndOfDayBalance: string | null;

  @Field(() => Int, { nullable: true, description: 'Days of the month in the window ending below zero.' })
  daysNegative: number | null;
}

@ArgsType()
export class CashflowArgs {
  @Field(() => LocalDateResolver, { nullable: true, description: 'First day (inclusive); default 90 days before `to`.' })
  from?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Last day (inclusive); default today.' })
  to?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Default: all your accounts.' })
  accountIds?: string[] | null;
}
