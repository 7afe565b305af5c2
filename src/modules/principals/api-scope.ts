import { registerEnumType } from 'type-graphql';

/** What an API key may do. Owners' own keys carry every scope but READ_SHARED; lenders' keys carry READ_SHARED. */
export enum ApiScope {
  /** Read accounts, balances, transactions, payments and invoices. */
  READ = 'READ',
  /** Start, renew, refresh and revoke bank connections. */
  MANAGE_CONNECTIONS = 'MANAGE_CONNECTIONS',
  /** Initiate payments (each still needs SCA at the bank). */
  INITIATE_PAYMENTS = 'INITIATE_PAYMENTS',
  /** Push invoices and payout reports; confirm or reject matches. */
  MANAGE_INVOICES = 'MANAGE_INVOICES',
  /** Create and revoke data shares with lenders. */
  MANAGE_SHARES = 'MANAGE_SHARES',
  /** A lender's right to read histories shared with it. */
  READ_SHARED = 'READ_SHARED',
}
registerEnumType(ApiScope, { name: 'ApiScope', description: 'What an API key may do.' });

export const OWNER_SCOPES: readonly ApiScope[] = [
  ApiScope.READ,
  ApiScope.MANAGE_CONNECTIONS,
  ApiScope.INITIATE_PAYMENTS,
  ApiScope.MANAGE_INVOICES,
  ApiScope.MANAGE_SHARES,
];
export const LENDER_SCOPES: readonly ApiScope[] = [ApiScope.READ_SHARED];
