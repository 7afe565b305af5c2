/**
 * Raw Berlin Group NextGenPSD2 1.3.x shapes (psd2-api 1.3.11, `components.schemas`), as zod schemas: what the adapter
 * accepts from a bank. Only the fields Passerelle reads are declared; unknown fields are dropped, never trusted.
 */
import { z } from 'zod';
import { rawAmount } from '../shared/money';

const href = z.object({ href: z.string() });
const links = z.record(z.string(), href.optional());

export const bgAmount = z.object({ currency: z.string().regex(/^[A-Z]{3}$/), amount: rawAmount });

export const bgConsentStatus = z.enum([
  'received',
  'rejected',
  'valid',
  'revokedByPsu',
  'expired',
  'terminatedByTpp',
  'partiallyAuthorised',
]);
export type BgConsentStatus = z.infer<typeof bgConsentStatus>;

/** `consentsResponse-201`. */
export const bgConsentCreated = z.object({
  consentStatus: bgConsentStatus,
  consentId: z.string().min(1),
  _links: links,
});

/** `startScaprocessResponse` (POST …/authorisations). */
export const bgAuthorisationStarted = z.object({
  scaStatus: z.string(),
  authorisationId: z.string(),
  _links: links.optional(),
});

/** `consentStatusResponse-200`. */
export const bgConsentStatusResponse = z.object({ consentStatus: bgConsentStatus });

export const bgBalanceType = z.enum([
  'closingBooked',
  'expected',
  'openingBooked',
  'interimAvailable',
  'interimBooked',
  'forwardAvailable',
  'nonInvoiced',
]);

/** `balance`. */
export const bgBalance = z.object({
  balanceAmount: bgAmount,
  balanceType: bgBalanceType,
  creditLimitIncluded: z.boolean().optional(),
  lastChangeDateTime: z.string().optional(),
  referenceDate: z.string().optional(),
});
export type BgBalance = z.infer<typeof bgBalance>;

/** `accountDetails`. */
export const bgAccount = z.object({
  resourceId: z.string().min(1),
  iban: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  name: z.string().optional(),
  displayName: z.string().optional(),
  product: z.string().optional(),
  cashAccountType: z.string().optional(),
  ownerName: z.string().optional(),
  balances: z.array(bgBalance).optional(),
});
export type BgAccount = z.infer<typeof bgAccount>;

/** `accountList`. */
export const bgAccountList = z.object({ accounts: z.array(bgAccount) });

/** `readAccountBalanceResponse-200`. */
export const bgBalances = z.object({ balances: z.array(bgBalance) });

const accountReference = z.object({ iban: z.string().optional(), bban: z.string().optional() });
const structuredRemittance = z.object({ reference: z.string(), referenceType: z.string().optional() });

/** `transactions` (one entry of a `transactionList`). */
export const bgTransaction = z.object({
  transactionId: z.string().optional(),
  entryReference: z.string().optional(),
  endToEndId: z.string().optional(),
  mandateId: z.string().optional(),
  creditorId: z.string().optional(),
  bookingDate: z.string().optional(),
  valueDate: z.string().optional(),
  transactionAmount: bgAmount,
  creditorName: z.string().optional(),
  creditorAccount: accountReference.optional(),
  creditorAgent: z.string().optional(),
  debtorName: z.string().optional(),
  debtorAccount: accountReference.optional(),
  debtorAgent: z.string().optional(),
  remittanceInformationUnstructured: z.string().optional(),
  remittanceInformationUnstructuredArray: z.array(z.string()).optional(),
  remittanceInformationStructured: z.union([structuredRemittance, z.string()]).optional(),
  remittanceInformationStructuredArray: z.array(structuredRemittance).optional(),
  bankTransactionCode: z.string().optional(),
  proprietaryBankTransactionCode: z.string().optional(),
  merchantCategoryCode: z.string().optional(),
});
export type BgTransaction = z.infer<typeof bgTransaction>;

/** `transactionsResponse-200_json`: one page; `_links.next` points to the following one. */
export const bgTransactionsPage = z.object({
  transactions: z.object({
    booked: z.array(bgTransaction).optional(),
    pending: z.array(bgTransaction).optional(),
    _links: links.optional(),
  }),
  _links: links.optional(),
});
export type BgTransactionsPage = z.infer<typeof bgTransactionsPage>;

export const bgTransactionStatus = z.enum([
  'ACCC',
  'ACCP',
  'ACSC',
  'ACSP',
  'ACTC',
  'ACWC',
  'ACWP',
  'RCVD',
  'PDNG',
  'RJCT',
  'CANC',
  'ACFC',
  'PATC',
  'PART',
]);

/** `paymentInitationRequestResponse-201`. */
export const bgPaymentCreated = z.object({
  transactionStatus: bgTransactionStatus,
  paymentId: z.string().min(1),
  _links: links,
});

/** `paymentInitiationStatusResponse-200_json`. */
export const bgPaymentStatus = z.object({ transactionStatus: bgTransactionStatus });

/** `tppMessageGeneric`: the error body of every 4xx/5xx (`tppMessages`, or `tppMessage` in some 1.3 banks). */
export const bgErrorBody = z.object({
  tppMessages: z
    .array(z.object({ category: z.string().optional(), code: z.string(), text: z.string().optional() }))
    .optional(),
});
