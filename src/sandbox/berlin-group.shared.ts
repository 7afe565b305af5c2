import type Decimal from 'decimal.js';
import type { Request } from 'express';
import type { BankContext } from './bank-context';
import type { SandboxBankSlug } from './banks';

/**
 * What the Berlin Group sandbox banks' resources share: the records a bank keeps, its errors and small helpers.
 * (specs/berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml)
 */

/** Transactions per page, small so that paging is exercised by every client. */
export const BERLIN_GROUP_PAGE_SIZE = 50;

export type ConsentStatus = 'received' | 'rejected' | 'valid' | 'revokedByPsu' | 'expired' | 'terminatedByTpp';
export type Resource = 'accounts' | 'balances' | 'transactions';

export interface AccountReference {
  iban?: string;
  currency?: string;
}

export interface AccountAccess {
  accounts?: AccountReference[];
  balances?: AccountReference[];
  transactions?: AccountReference[];
  availableAccounts?: string;
  availableAccountsWithBalance?: string;
  allPsd2?: string;
}

export interface Consent {
  id: string;
  access: AccountAccess;
  recurringIndicator: boolean;
  validUntil: string;
  frequencyPerDay: number;
  status: ConsentStatus;
  createdAt: Date;
  lastActionDate: string;
  redirectUri: string;
  nokRedirectUri?: string;
  authorisationIds: string[];
  psuId?: string;
  /** Account resource ids per resource, fixed when the PSU approves. */
  grants?: Record<Resource, Set<string>>;
}

export interface Payment {
  id: string;
  requestId: string;
  body: Record<string, unknown>;
  debtorIban: string;
  creditorIban: string;
  creditorName: string;
  amount: Decimal;
  currency: string;
  remittanceUnstructured?: string;
  endToEndId?: string;
  status: 'RCVD' | 'RJCT' | 'ACSP' | 'CANC';
  authorisedAt?: Date;
  redirectUri: string;
  nokRedirectUri?: string;
  authorisationId: string;
}

export class BgError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    text: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(text);
  }
}

export function tppMessages(code: string, text?: string) {
  return { tppMessages: [{ category: 'ERROR', code, ...(text ? { text } : {}) }] };
}

/** Berlin Group error payloads; the spec defines no body for 500 and 503. */
export function errorBody(status: number, code: string): unknown {
  return status >= 500 ? undefined : tppMessages(code);
}

export function href(url: string): { href: string } {
  return { href: url };
}

export function absoluteUri(value: string | undefined, header: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).toString();
  } catch {
    throw new BgError(400, 'FORMAT_ERROR', `${header} must be an absolute URI`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseDate(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new BgError(400, 'FORMAT_ERROR', `${name} must be an ISO date (YYYY-MM-DD)`);
  }
  return value;
}

/** One Berlin Group bank: its context and what it keeps. Every resource's handlers take it as their first argument. */
/** A request to a route with path parameters, e.g. `/consents/:consentId`. */
export type BgRequest = Request<Record<string, string>>;

export interface BgBank {
  ctx: BankContext;
  slug: SandboxBankSlug;
  consents: Map<string, Consent>;
  payments: Map<string, Payment>;
  paymentsByRequestId: Map<string, string>;
}
