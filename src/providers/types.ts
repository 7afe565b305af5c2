/**
 * The normalized shapes every bank standard maps to, and the adapter interface each standard implements.
 * Adapters are pure translation plus HTTP: no GraphQL, no database (DESIGN.md, Architecture).
 *
 * Money is a decimal string (`"-12.50"`) with an ISO 4217 currency, never a number.
 * Dates are ISO 8601 calendar dates (`"2026-11-25"`); instants are ISO 8601 timestamps in UTC.
 */
import type { ProviderStandard } from './standards';

/** A decimal amount as a string: optional minus sign, digits, optional dot and up to 5 decimals. */
export type DecimalString = string;
/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export type IsoDateTime = string;

/** The standards are named once, in `standards.ts`. */
export type { ProviderStandard };

export interface Money {
  amount: DecimalString;
  currency: string;
}

export type ConsentScope = 'ACCOUNTS' | 'BALANCES' | 'TRANSACTIONS' | 'PAYMENTS';

export type ProviderConsentStatus =
  'PENDING_AUTHORISATION' | 'PARTIALLY_AUTHORISED' | 'ACTIVE' | 'REJECTED' | 'EXPIRED' | 'REVOKED';

/**
 * Who is asking, for the PSD2 access budget. Berlin Group 1.3.x: `PSU-IP-Address` is sent if and only if the PSU
 * initiated the request; unattended reads count against `frequencyPerDay` (normally 4).
 */
export interface PsuContext {
  /** The user's IP address when the user is present; absent for unattended (scheduled) access. */
  ipAddress?: string;
  userAgent?: string;
}

/** What an adapter needs to act for one consent. Tokens arrive decrypted; the adapter never stores them. */
export interface ConsentHandle {
  /** The bank's consent id (Berlin Group `consentId`); for STET, an opaque id of the adapter's choosing. */
  providerConsentId: string;
  /** OAuth2 tokens, for standards that use them (STET). */
  tokens?: ProviderTokens;
  /**
   * What the user granted, when known. Berlin Group: with `BALANCES` the account list is read with `withBalance=true`
   * (one call for every account's balances instead of one per account).
   */
  scopes?: ConsentScope[];
}

export interface ProviderTokens {
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires. */
  expiresAt?: IsoDateTime;
}

export interface CreateConsentRequest {
  scopes: ConsentScope[];
  validUntil: IsoDate;
  /** Unattended accesses a day the consent allows (PSD2 RTS art. 36(5): at most 4). */
  frequencyPerDay: number;
  historyDays: number;
  /** Where the bank sends the user's browser after SCA: the gateway's callback route. */
  redirectUri: string;
  /** Opaque value the gateway uses to tie the callback to this consent (OAuth2 `state`). */
  state: string;
  psu: PsuContext;
}

export interface CreateConsentResult {
  providerConsentId: string;
  status: ProviderConsentStatus;
  /** The bank's SCA page: the user's browser goes there. */
  authorisationUrl: string;
}

/** Everything the bank put on the redirect back to the gateway's callback, as query parameters. */
export interface ConsentCallback {
  providerConsentId: string;
  query: Record<string, string>;
  redirectUri: string;
}

export interface CompleteConsentResult {
  status: ProviderConsentStatus;
  tokens?: ProviderTokens;
}

export type AccountType = 'CURRENT' | 'SAVINGS' | 'CARD' | 'LOAN' | 'OTHER';

export interface ProviderAccount {
  /** The bank's resource id for the account (stable for the consent's life, not across consents). */
  providerAccountId: string;
  iban?: string;
  currency: string;
  name: string;
  ownerName?: string;
  product?: string;
  type: AccountType;
  /** Some standards return balances with the account list (Berlin Group `withBalance`). */
  balances?: ProviderBalance[];
}

/** ISO 20022 balance types as used by Berlin Group; STET's CLBD/XPCD/VALU/OTHR map onto these. */
export type BalanceType =
  | 'closingBooked'
  | 'expected'
  | 'interimAvailable'
  | 'interimBooked'
  | 'openingBooked'
  | 'forwardAvailable'
  | 'nonInvoiced'
  | 'other';

export interface ProviderBalance {
  type: BalanceType;
  amount: Money;
  referenceDate?: IsoDate;
  lastChangeDateTime?: IsoDateTime;
  creditLimitIncluded?: boolean;
}

export type TransactionStatus = 'BOOKED' | 'PENDING';

export interface Counterparty {
  name?: string;
  iban?: string;
  bic?: string;
}

export interface ProviderTransaction {
  /**
   * The bank's id for this line. Not stable across pending → booked at every bank: the sync engine matches on it first
   * and falls back to a fingerprint.
   */
  providerTransactionId: string;
  /** Signed: positive is money in (credit), negative is money out (debit). */
  amount: Money;
  status: TransactionStatus;
  bookingDate?: IsoDate;
  valueDate?: IsoDate;
  /** The date the transaction is ordered by: booking date, else value date, else the transaction date. */
  date: IsoDate;
  /** The other party: the debtor for a credit, the creditor for a debit. */
  counterparty?: Counterparty;
  remittanceUnstructured?: string;
  /** A creditor reference (ISO 11649 `RF..` or a national one such as Belgian OGM/VCS). */
  remittanceStructured?: string;
  endToEndId?: string;
  mandateId?: string;
  creditorId?: string;
  bankTransactionCode?: string;
  /** ISO 18245 merchant category code for card payments. */
  merchantCategoryCode?: string;
  entryReference?: string;
}

export interface TransactionQuery {
  dateFrom: IsoDate;
  /** Inclusive. */
  dateTo: IsoDate;
  status: 'BOTH' | 'BOOKED' | 'PENDING';
}

/** The result of reading one account's transactions with every page followed. */
export interface TransactionPage {
  transactions: ProviderTransaction[];
  /** Pages fetched, for instrumentation. */
  pages: number;
}

export interface PaymentRequest {
  /** The client's idempotency key: a retried creation with the same key never creates a second payment. */
  idempotencyKey: string;
  debtorIban: string;
  creditor: { name: string; iban: string; bic?: string };
  amount: Money;
  remittanceUnstructured?: string;
  endToEndId?: string;
  /** Where the bank sends the user's browser after the payment's SCA. */
  redirectUri: string;
  state: string;
  psu: PsuContext;
}

/** ISO 20022 payment status codes (pain.002 / Berlin Group `transactionStatus`). */
export type PaymentStatus =
  | 'RCVD'
  | 'PDNG'
  | 'ACTC'
  | 'ACCP'
  | 'ACSP'
  | 'ACWC'
  | 'ACWP'
  | 'ACSC'
  | 'ACCC'
  | 'ACFC'
  | 'PATC'
  | 'PART'
  | 'RJCT'
  | 'CANC';

export interface PaymentInitiation {
  providerPaymentId: string;
  status: PaymentStatus;
  authorisationUrl: string;
}

/** Everything the bank put on the redirect back to the gateway after the payment's SCA, as query parameters. */
export interface PaymentCallback {
  providerPaymentId: string;
  query: Record<string, string>;
}

/** One bank endpoint an adapter talks to. */
export interface InstitutionEndpoint {
  institutionId: string;
  standard: ProviderStandard;
  /** Base URL of the bank's PSD2 API. */
  baseUrl: string;
  /** OAuth2 client id at the bank, for standards that use one. */
  clientId?: string;
}

/** The one interface every bank standard implements. */
export interface ProviderAdapter {
  readonly standard: ProviderStandard;

  createConsent(request: CreateConsentRequest): Promise<CreateConsentResult>;
  completeConsent(callback: ConsentCallback): Promise<CompleteConsentResult>;
  getConsentStatus(consent: ConsentHandle): Promise<ProviderConsentStatus>;
  revokeConsent(consent: ConsentHandle): Promise<void>;

  listAccounts(consent: ConsentHandle, psu: PsuContext): Promise<ProviderAccount[]>;
  /**
   * Balances for many accounts in one go. Every failure is a `ProviderError` in the slot of the account it concerns
   * (a consent-wide one in every slot), so a DataLoader can hand each key its own result; the promise itself does not
   * reject with a `ProviderError`.
   */
  getBalances(
    consent: ConsentHandle,
    providerAccountIds: string[],
    psu: PsuContext,
  ): Promise<Map<string, ProviderBalance[] | ProviderError>>;
  getTransactions(
    consent: ConsentHandle,
    providerAccountId: string,
    query: TransactionQuery,
    psu: PsuContext,
  ): Promise<TransactionPage>;

  initiatePayment(consent: ConsentHandle | undefined, request: PaymentRequest): Promise<PaymentInitiation>;
  /**
   * After the payment's SCA redirect: STET requires the PISP to confirm the payment request
   * (`POST /payment-requests/{id}/confirmation`, STET 1.5 §4.6); Berlin Group only reads the status.
   */
  completePayment(consent: ConsentHandle | undefined, callback: PaymentCallback): Promise<PaymentStatus>;
  getPaymentStatus(consent: ConsentHandle | undefined, providerPaymentId: string): Promise<PaymentStatus>;
  /**
   * Asks the bank to cancel a payment it has not executed; a bank that will not rejects with `REQUEST_REJECTED`.
   * Absent where the standard executes only on the PISP's confirmation (STET): not confirming is the cancellation.
   */
  cancelPayment?(consent: ConsentHandle | undefined, providerPaymentId: string): Promise<void>;
}

export type ProviderErrorCode =
  | 'CONSENT_EXPIRED'
  | 'CONSENT_INVALID'
  | 'CONSENT_REVOKED'
  | 'ACCESS_LIMIT_REACHED'
  | 'NOT_FOUND'
  | 'PROVIDER_UNAVAILABLE'
  | 'MALFORMED_RESPONSE'
  /** The bank refused the request itself (400/405/409: a payment it will not make, a parameter it does not support). */
  | 'REQUEST_REJECTED';

/** Every upstream failure reaches the rest of Passerelle as one of these, never as a raw HTTP or parse error. */
export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: { institutionId?: string; status?: number; retryAt?: Date; bankCode?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
