/** Pure mapping from Berlin Group NextGenPSD2 1.3.x shapes to Passerelle's normalized ones. */
import { canonical, isNegative } from '../shared/money';
import { accountTypeOf } from '../shared/cash-account-type';
import { toIsoDate } from '../shared/dates';
import { derivedTransactionId } from '../shared/transaction-id';
import {
  ProviderError,
  type ProviderAccount,
  type ProviderBalance,
  type ProviderConsentStatus,
  type ProviderTransaction,
  type TransactionStatus,
} from '../types';
import type { BgAccount, BgBalance, BgConsentStatus, BgTransaction } from './types';

/** Berlin Group 1.3.11 `consentStatus`; `terminatedByTpp` is our own revocation, so it reads as revoked too. */
export function consentStatusFromBg(status: BgConsentStatus): ProviderConsentStatus {
  switch (status) {
    case 'received':
      return 'PENDING_AUTHORISATION';
    case 'partiallyAuthorised':
      return 'PARTIALLY_AUTHORISED';
    case 'valid':
      return 'ACTIVE';
    case 'rejected':
      return 'REJECTED';
    case 'expired':
      return 'EXPIRED';
    case 'revokedByPsu':
    case 'terminatedByTpp':
      return 'REVOKED';
    default: {
      const never: never = status;
      throw new ProviderError('MALFORMED_RESPONSE', `Unknown consent status ${String(never)}`);
    }
  }
}

export function balanceFromBg(balance: BgBalance): ProviderBalance {
  return {
    type: balance.balanceType,
    amount: { amount: canonical(balance.balanceAmount.amount), currency: balance.balanceAmount.currency },
    referenceDate: toIsoDate(balance.referenceDate, 'balance.referenceDate'),
    lastChangeDateTime: balance.lastChangeDateTime,
    creditLimitIncluded: balance.creditLimitIncluded,
  };
}

export function accountFromBg(account: BgAccount): ProviderAccount {
  return {
    providerAccountId: account.resourceId,
    iban: account.iban,
    currency: account.currency,
    name: account.name ?? account.displayName ?? account.product ?? account.iban ?? account.resourceId,
    ownerName: account.ownerName,
    product: account.product,
    type: accountTypeOf(account.cashAccountType),
    balances: account.balances?.map(balanceFromBg),
  };
}

function structuredReference(transaction: BgTransaction): string | undefined {
  const structured = transaction.remittanceInformationStructured;
  if (typeof structured === 'string') return structured;
  return structured?.reference ?? transaction.remittanceInformationStructuredArray?.[0]?.reference;
}

/**
 * One line of a `transactionList`. Berlin Group amounts are signed (negative for a debit), so the amount is kept as
 * sent; the counterparty is the creditor of a debit and the debtor of a credit.
 */
export function transactionFromBg(transaction: BgTransaction, status: TransactionStatus): ProviderTransaction {
  const amount = canonical(transaction.transactionAmount.amount);
  const bookingDate = toIsoDate(transaction.bookingDate, 'bookingDate');
  const valueDate = toIsoDate(transaction.valueDate, 'valueDate');
  const date = bookingDate ?? valueDate;
  if (!date) throw new ProviderError('MALFORMED_RESPONSE', 'A transaction has neither booking nor value date');
  const debit = isNegative(amount);
  const party = debit
    ? { name: transaction.creditorName, iban: transaction.creditorAccount?.iban, bic: transaction.creditorAgent }
    : { name: transaction.debtorName, iban: transaction.debtorAccount?.iban, bic: transaction.debtorAgent };
  const unstructured =
    transaction.remittanceInformationUnstructured ?? transaction.remittanceInformationUnstructuredArray?.join(' ');
  const providerTransactionId =
    transaction.transactionId ??
    transaction.entryReference ??
    derivedTransactionId([date, amount, transaction.transactionAmount.currency, unstructured, party.iban, party.name]);
  return {
    providerTransactionId,
    amount: { amount, currency: transaction.transactionAmount.currency },
    status,
    bookingDate,
    valueDate,
    date,
    counterparty: party.name || party.iban ? party : undefined,
    remittanceUnstructured: unstructured,
    remittanceStructured: structuredReference(transaction),
    endToEndId: transaction.endToEndId,
    mandateId: transaction.mandateId,
    creditorId: transaction.creditorId,
    bankTransactionCode: transaction.bankTransactionCode ?? transaction.proprietaryBankTransactionCode,
    merchantCategoryCode: transaction.merchantCategoryCode,
    entryReference: transaction.entryReference,
  };
}
