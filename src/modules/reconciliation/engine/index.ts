/**
 * The reconciliation engine's public surface: what the store, the GraphQL module and the scripts build on.
 * Pure logic: feed it open invoices, a bank feed, payout reports and the owner's history; it returns links,
 * write-offs, overpayments, unmatched credits and invoice states, and never touches a database or the network.
 */
export { reconcile, DEFAULT_OPTIONS } from './matcher';
export { fromProviderTransaction } from './bank-credit';
export { isValidOgm, isValidRf, makeOgm, makeRf } from './structured-reference';
export type * from './types';
