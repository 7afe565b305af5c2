import type { AccountType } from '../types';

/**
 * ISO 20022 ExternalCashAccountType1Code, the code list both Berlin Group (`cashAccountType`) and STET
 * (`cashAccountType`, of which STET 1.5 enumerates only CACC and CARD, while banks send the others) take their
 * account types from, folded into the few kinds a business tells apart.
 */
export const CASH_ACCOUNT_TYPES: Readonly<Record<string, AccountType>> = Object.freeze({
  CACC: 'CURRENT', // current account
  TRAN: 'CURRENT', // transacting account
  SLRY: 'CURRENT', // salary payments
  CASH: 'CURRENT', // cash payments
  CISH: 'CURRENT', // cash income
  COMM: 'CURRENT', // commission
  CHAR: 'CURRENT', // charges
  TAXE: 'CURRENT', // tax payments
  SACC: 'CURRENT', // settlement
  CPAC: 'CURRENT', // clearing participant settlement
  NREX: 'CURRENT', // non-resident external
  NFCA: 'CURRENT', // non-resident foreign currency
  TRAS: 'CURRENT', // cash trading
  VACC: 'CURRENT', // virtual account, a sub-account for collections
  SVGS: 'SAVINGS', // savings
  LLSV: 'SAVINGS', // limited liquidity savings
  ONDP: 'SAVINGS', // overnight deposit
  MOMA: 'SAVINGS', // money market
  CARD: 'CARD', // card account
  LOAN: 'LOAN', // loan
  MGLD: 'LOAN', // marginal lending
  ODFT: 'LOAN', // overdraft
  OTHR: 'OTHER',
});

export function accountTypeOf(cashAccountType: string | undefined): AccountType {
  return (cashAccountType && CASH_ACCOUNT_TYPES[cashAccountType.toUpperCase()]) || 'OTHER';
}
