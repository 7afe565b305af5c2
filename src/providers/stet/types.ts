/**
 * Raw STET PSD2 1.5 shapes (`components.schemas`), as zod schemas. Parsed tolerantly where real banks deviate, as the
 * recorded BNP Paribas, BNP Paribas Fortis and Boursorama answers in `shared/specs/fixtures/stet` show: amounts as
 * strings or numbers, negative amounts with DBIT, remittance as a bare array, day-first dates, `null` fields.
 */
import { z } from 'zod';
import { rawAmount } from '../shared/money';

const link = z.object({ href: z.string() });
/** Optional text fields that some banks send as `null` or `""`. */
const text = z
  .string()
  .nullish()
  .transform((value) => (value ? value : undefined));

export const stetAmount = z.object({ amount: rawAmount, currency: z.string().regex(/^[A-Z]{3}$/) });

/** RFC 6749 §5.1 access token response; BNP answers `token_type: "bearer"` in lower case. */
export const stetTokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive().optional(),
  scope: z.string().optional(),
});
export type StetTokenResponse = z.infer<typeof stetTokenResponse>;

/** RFC 6749 §5.2 error response. */
export const stetOAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

export const stetBalanceStatus = z.enum(['CLBD', 'XPCD', 'VALU', 'OTHR']);

/** `BalanceResource`. */
export const stetBalance = z.object({
  name: text,
  balanceAmount: stetAmount,
  balanceType: stetBalanceStatus,
  lastChangeDateTime: text,
  referenceDate: text,
});
export type StetBalance = z.infer<typeof stetBalance>;

/** `AccountResource`; `resourceId` is optional in the spec but every read of the account needs it. */
export const stetAccount = z.object({
  resourceId: z.string().min(1),
  bicFi: text,
  accountId: z.object({ iban: text, currency: text }).optional(),
  name: z.string(),
  details: text,
  linkedAccount: text,
  usage: text,
  cashAccountType: text,
  product: text,
  currency: text,
  balances: z.array(stetBalance).optional(),
});
export type StetAccount = z.infer<typeof stetAccount>;

/** `HalAccounts`. */
export const stetAccounts = z.object({ accounts: z.array(stetAccount) });

/** `HalBalances`. */
export const stetBalances = z.object({ balances: z.array(stetBalance) });

const party = z.object({ name: text }).optional();
const accountIdentification = z.object({ iban: text }).optional();

/**
 * `RemittanceInformation`: STET 1.4+ sends `{unstructured: [...], structured: [...]}`; older BNP and Boursorama
 * interfaces still send a bare array of lines.
 */
const remittance = z.union([
  z.array(z.string()),
  z.object({
    unstructured: z.array(z.string()).optional(),
    structured: z
      .array(z.object({ creditorReferenceInformation: z.object({ reference: z.string().optional() }).optional() }))
      .optional(),
  }),
]);

export const stetTransactionStatus = z.enum(['BOOK', 'PDNG', 'FUTR', 'INFO', 'OTHR', 'RJCT']);

/** `Transaction`. */
export const stetTransaction = z.object({
  resourceId: text,
  entryReference: text,
  transactionAmount: stetAmount,
  creditDebitIndicator: z.enum(['CRDT', 'DBIT']),
  status: stetTransactionStatus,
  endToEndId: text,
  bookingDate: text,
  valueDate: text,
  transactionDate: text,
  expectedBookingDate: text,
  bankTransactionCode: z
    .object({ domain: z.string(), family: z.string(), subFamily: z.string(), code: z.string().optional() })
    .optional(),
  relatedParties: z
    .object({
      debtor: party,
      debtorAccount: accountIdentification,
      debtorAgent: z.object({ bicFi: text }).optional(),
      creditor: party,
      creditorAccount: accountIdentification,
      creditorAgent: z.object({ bicFi: text }).optional(),
    })
    .optional(),
  remittanceInformation: remittance.optional(),
  merchantCategoryCode: text,
});
export type StetTransaction = z.infer<typeof stetTransaction>;

/** `HalTransactions`; paging by `_links.next`. */
export const stetTransactions = z.object({
  transactions: z.array(stetTransaction),
  _links: z.object({ next: link.optional() }).optional(),
});

export const stetPaymentStatus = z.enum([
  'ACCP',
  'ACSC',
  'ACSP',
  'ACTC',
  'ACWC',
  'ACWP',
  'CANC',
  'PART',
  'RCVD',
  'PDNG',
  'RJCT',
]);

/**
 * `HalAuthenticationRequest`, the 201 of `POST /payment-requests`. BNP wraps the approach in an object
 * (`{appliedAuthenticationApproach: {appliedAuthenticationApproach: "REDIRECT"}}`); only the link is read.
 */
export const stetPaymentCreated = z.object({
  _links: z.object({ consentApproval: link }),
});

/** `HalPaymentRequest`, the answer of `GET /payment-requests/{id}` and of the confirmation. */
export const stetPaymentRequest = z.object({
  paymentRequest: z.object({
    paymentInformationStatus: stetPaymentStatus.optional(),
    creditTransferTransaction: z
      .array(z.object({ transactionStatus: z.enum(['ACSC', 'ACSP', 'ACTC', 'CANC', 'PDNG', 'RJCT']).optional() }))
      .optional(),
  }),
});
export type StetPaymentRequest = z.infer<typeof stetPaymentRequest>;

/** `ErrorModel`, and the `{errorMessage}` BNP sends on 401. */
export const stetErrorBody = z.object({
  message: z.string().optional(),
  error: z.string().optional(),
  errorMessage: z.string().optional(),
  error_description: z.string().optional(),
});
