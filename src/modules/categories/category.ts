import { registerEnumType } from 'type-graphql';

/**
 * The taxonomy a credit analyst reads a business's bank lines in. Small on purpose: each category is one line of a
 * cash-flow statement. Documented in the README ("Categories").
 */
export enum TransactionCategory {
  /** Customers paying the business (transfers in that are not one of the cases below). */
  REVENUE = 'REVENUE',
  /** Net settlements from card processors and payment platforms (Stripe, SumUp, Adyen...). */
  CARD_PAYOUTS = 'CARD_PAYOUTS',
  /** Money coming back: refunds, returned or recalled payments. */
  REFUNDS = 'REFUNDS',
  /** Goods and services bought: supplier transfers, card purchases, subscriptions, insurance. */
  SUPPLIERS = 'SUPPLIERS',
  /** Salaries and wages. */
  PAYROLL = 'PAYROLL',
  /** VAT, corporate and other taxes, social security contributions. */
  TAXES_AND_SOCIAL_CHARGES = 'TAXES_AND_SOCIAL_CHARGES',
  RENT = 'RENT',
  /** Energy, water, telecommunications. */
  UTILITIES = 'UTILITIES',
  /** The bank's own fees and interest charged. */
  BANK_FEES = 'BANK_FEES',
  /** Instalments of loans and leases. */
  LOAN_REPAYMENTS = 'LOAN_REPAYMENTS',
  /** Between the owner's own accounts, at one bank or across banks: neither income nor spending. */
  OWN_TRANSFERS = 'OWN_TRANSFERS',
  /** Cash withdrawals and deposits. */
  CASH = 'CASH',
  OTHER = 'OTHER',
}
registerEnumType(TransactionCategory, {
  name: 'TransactionCategory',
  description: 'What a bank line is, for a cash-flow statement.',
});
