import { registerEnumType } from 'type-graphql';

/** What a consent lets Passerelle read or do at the bank. Read-only by default; PAYMENTS is always explicit. */
export enum ConsentScope {
  ACCOUNTS = 'ACCOUNTS',
  BALANCES = 'BALANCES',
  TRANSACTIONS = 'TRANSACTIONS',
  PAYMENTS = 'PAYMENTS',
}
registerEnumType(ConsentScope, { name: 'ConsentScope', description: 'What a consent lets Passerelle read or do.' });

export const READ_ONLY_SCOPES: readonly ConsentScope[] = [
  ConsentScope.ACCOUNTS,
  ConsentScope.BALANCES,
  ConsentScope.TRANSACTIONS,
];

export enum ConsentStatus {
  PENDING_AUTHORISATION = 'PENDING_AUTHORISATION',
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
  REJECTED = 'REJECTED',
}
registerEnumType(ConsentStatus, {
  name: 'ConsentStatus',
  description: 'PENDING_AUTHORISATION → ACTIVE → EXPIRED | REVOKED, or REJECTED.',
});
