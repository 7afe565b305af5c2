/** Pure mapping from STET PSD2 1.5 shapes to Passerelle's normalized ones. */
import { absolute, canonical, isNegative, negate } from '../shared/money';
import { accountTypeOf } from '../shared/cash-account-type';
import { toIsoDate } from '../shared/dates';
import { derivedTransactionId } from '../shared/transaction-id';
import {
  ProviderError,
  type BalanceType,
  type PaymentStatus,
  type ProviderAccount,
  type ProviderBalance,
  type ProviderTransaction,
  type TransactionStatus,
} from '../types';
import type { StetAccount, StetBalance, StetPaymentRequest, StetTransaction } from './types';

/**
 * STET `BalanceStatus`: CLBD is the accounting (closing booked) balance and XPCD the instant balance including what
 * is pending (ISO 20022 "expected"); VALU (value-date balance) and OTHR have no Berlin Group equivalent.
 */
const balanceTypes: Record<StetBalance['balanceType'], BalanceType> = {
  CLBD: 'closingBooked',
  XPCD: 'expected',
  VALU: 'other',
  OTHR: 'other',
};

export function balanceFromStet(balance: StetBalance): ProviderBalance {
  return {
    type: balanceTypes[balance.balanceType],
    amount: { amount: canonical(balance.balanceAmount.amount), currency: balance.balanceAmount.currency },
    referenceDate: toIsoDate(balance.referenceDate, 'balance.referenceDate'),
    lastChangeDateTime: balance.lastChangeDateTime,
  };
}

/**
 * `AccountResource` list. The currency is in `accountId.currency` (BNP), `currency` (Fortis) or nowhere (Boursorama,
 * whose card accounts carry `linkedAccount` instead): then the linked account's currency, else ISO 4217 `XXX`
 * ("no currency"), which says "unknown" rather than inventing EUR.
 */
export function accountsFromStet(accounts: StetAccount[]): ProviderAccount[] {
  const currencyOf = (account: StetAccount): string | undefined => account.accountId?.currency ?? account.currency;
  const byId = new Map(accounts.map((account) => [account.resourceId, account]));
  return accounts.map((account) => {
    const linked = account.linkedAccount ? byId.get(account.linkedAccount) : undefined;
    return {
      providerAccountId: account.resourceId,
      iban: account.accountId?.iban,
      currency: currencyOf(account) ?? (linked && currencyOf(linked)) ?? 'XXX',
      name: account.name,
      product: account.product,
      type: accountTypeOf(account.cashAccountType),
      balances: account.balances?.map(balanceFromStet),
    };
  });
}

/**
 * STET `TransactionStatus`: BOOK is booked and PDNG pending. OTHR is what banks use for card operations not yet
 * debited (Boursorama's deferred-debit card stub), so it is pending too. FUTR (a future, not yet executed order),
 * INFO (information only) and RJCT (rejected) moved no money: they are left out.
 */
function statusFromStet(status: StetTransaction['status']): TransactionStatus | undefined {
  switch (status) {
    case 'BOOK':
      return 'BOOKED';
    case 'PDNG':
    case 'OTHR':
      return 'PENDING';
    case 'FUTR':
    case 'INFO':
    case 'RJCT':
      return undefined;
    default: {
      const never: never = status;
      throw new ProviderError('MALFORMED_RESPONSE', `Unknown transaction status ${String(never)}`);
    }
  }
}

/**
 * The sign comes from `creditDebitIndicator` (STET 1.5: amounts are unsigned). BNP sends a negative amount with DBIT,
 * which agrees; a negative amount with CRDT contradicts itself and is refused rather than guessed.
 */
function signedAmount(transaction: StetTransaction): string {
  const amount = canonical(transaction.transactionAmount.amount);
  if (transaction.creditDebitIndicator === 'CRDT') {
    if (isNegative(amount)) {
      throw new ProviderError('MALFORMED_RESPONSE', `A credit with a negative amount (${amount})`);
    }
    return amount;
  }
  return negate(absolute(amount));
}

function remittanceLines(transaction: StetTransaction): { unstructured?: string; structured?: string } {
  const info = transaction.remittanceInformation;
  if (!info) return {};
  if (Array.isArray(info)) return { unstructured: info.join(' ') || undefined };
  return {
    unstructured: info.unstructured?.join(' ') || undefined,
    structured: info.structured?.find((item) => item.creditorReferenceInformation?.reference)
      ?.creditorReferenceInformation?.reference,
  };
}

/** A transaction, or undefined for a line that moved no money (see statusFromStet). */
export function transactionFromStet(transaction: StetTransaction): ProviderTransaction | undefined {
  const status = statusFromStet(transaction.status);
  if (!status) return undefined;
  const amount = signedAmount(transaction);
  const bookingDate = toIsoDate(transaction.bookingDate, 'bookingDate');
  const valueDate = toIsoDate(transaction.valueDate, 'valueDate');
  const date =
    bookingDate ??
    valueDate ??
    toIsoDate(transaction.transactionDate, 'transactionDate') ??
    toIsoDate(transaction.expectedBookingDate, 'expectedBookingDate');
  if (!date) throw new ProviderError('MALFORMED_RESPONSE', 'A transaction has no date');
  const parties = transaction.relatedParties;
  const debit = amount.startsWith('-');
  const party = debit
    ? { name: parties?.creditor?.name, iban: parties?.creditorAccount?.iban, bic: parties?.creditorAgent?.bicFi }
    : { name: parties?.debtor?.name, iban: parties?.debtorAccount?.iban, bic: parties?.debtorAgent?.bicFi };
  const remittance = remittanceLines(transaction);
  const code = transaction.bankTransactionCode;
  // Fortis repeats the account's id as every line's resourceId (recorded stub), so the entry reference comes first.
  const providerTransactionId =
    transaction.entryReference ??
    transaction.resourceId ??
    derivedTransactionId([date, amount, transaction.transactionAmount.currency, remittance.unstructured, party.iban]);
  return {
    providerTransactionId,
    amount: { amount, currency: transaction.transactionAmount.currency },
    status,
    bookingDate,
    valueDate,
    date,
    counterparty: party.name || party.iban ? party : undefined,
    remittanceUnstructured: remittance.unstructured,
    remittanceStructured: remittance.structured,
    endToEndId: transaction.endToEndId,
    bankTransactionCode: code ? [code.domain, code.family, code.subFamily].join('-') : undefined,
    merchantCategoryCode: transaction.merchantCategoryCode,
    entryReference: transaction.entryReference,
  };
}

export function transactionsFromStet(transactions: StetTransaction[]): ProviderTransaction[] {
  return transactions.flatMap((line) => transactionFromStet(line) ?? []);
}

/** The payment request's status, else its (single) transfer's status. */
export function paymentStatusFromStet(body: StetPaymentRequest): PaymentStatus {
  const status =
    body.paymentRequest.paymentInformationStatus ??
    body.paymentRequest.creditTransferTransaction?.[0]?.transactionStatus;
  if (!status) throw new ProviderError('MALFORMED_RESPONSE', 'The payment request carries no status');
  return status;
}
