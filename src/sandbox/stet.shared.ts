import { randomBytes } from 'node:crypto';
import type Decimal from 'decimal.js';
import type { Request } from 'express';
import type { BankContext } from './bank-context';
import type { SandboxBankSlug } from './banks';
import type { ScaAttempts } from './sca-page';
import { isoDate } from './seed-data';

/**
 * What the STET sandbox bank's resources share (specs/stet/stet-ais-pis-1.5.0.json): the records it keeps, its errors
 * (STET's ErrorModel, and RFC 6749 §5.2 for OAuth2) and small helpers.
 */
/** Transactions per page, small so that paging is exercised by every client. */
export const STET_PAGE_SIZE = 50;
export const ACCESS_TOKEN_SECONDS = 3600;
export const CODE_LIFETIME_MS = 10 * 60_000;
/** STET 1.5 §3.4.2 lets a bank answer the last 90 days when the AISP gives no dateFrom. */
export const DEFAULT_HISTORY_DAYS = 90;

export type Scope = 'aisp' | 'pisp';

/** What the PSU approved at the bank: the lasting grant behind every token issued for it. */
export interface Grant {
  id: string;
  psuId?: string;
  scope: Scope;
  validUntil: Date;
  status: 'active' | 'revoked' | 'expired';
}

export interface Token {
  grant: Grant;
  expiresAt: Date;
}

export interface AuthorizationCode {
  grant: Grant;
  clientId: string;
  redirectUri: string;
  expiresAt: Date;
}

export interface PaymentRequest {
  id: string;
  requestId: string;
  body: Record<string, unknown>;
  debtorIban?: string;
  creditorIban: string;
  creditorName: string;
  amount: Decimal;
  remittance?: string;
  endToEndId?: string;
  successfulReportUrl: string;
  unsuccessfulReportUrl?: string;
  status: 'RCVD' | 'ACCP' | 'ACSP' | 'RJCT';
  confirmedAt?: Date;
}

export class StetError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export const HAL_JSON = 'application/hal+json; charset=utf-8';

export function errorModel(status: number, error: string, message: string, path?: string) {
  return {
    timestamp: new Date().toISOString(),
    status,
    error,
    message: message.slice(0, 140),
    ...(path ? { path } : {}),
  };
}

/** STET accepts `YYYY-MM-DD` or a date-time for dateFrom/dateTo; both are read as the UTC calendar day. */
export function parseDay(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new StetError(400, 'FORMAT_ERROR', `${name} must be an ISO 8601 date or date-time`);
  }
  return isoDate(new Date(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)));
}

export function dateTime(day: string): string {
  return `${day}T00:00:00.000Z`;
}

export function token(): string {
  return randomBytes(24).toString('base64url');
}

/** A request to a route with path parameters, e.g. `/accounts/:accountResourceId`. */
export type StetRequest = Request<Record<string, string>>;

/** The STET bank: its context and what it keeps. Every resource's handlers take it as their first argument. */
export interface StetBank {
  ctx: BankContext;
  slug: SandboxBankSlug;
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, Token>;
  refreshTokens: Map<string, Grant>;
  payments: Map<string, PaymentRequest>;
  paymentsByRequestId: Map<string, string>;
  /** Failed logins per authorisation request on /oauth/authorize. */
  attempts: ScaAttempts;
}
