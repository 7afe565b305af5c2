/**
 * HTTP and auth for STET PSD2 1.5 banks: the OAuth2 endpoints the sandbox fixes (`/oauth/authorize`,
 * `/oauth/token`, which STET leaves to each bank), and the AISP/PISP resources, each request digested and signed.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { newRequestId } from '../shared/request-id';
import { resolveHref } from '../shared/urls';
import { parseRetryAfter, UpstreamClient, type UpstreamClientOptions, type UpstreamResource } from '../shared/upstream';
import { ProviderError, type PsuContext } from '../types';
import { digestHeader, signatureHeader, type HttpSigningKey } from './http-signature';
import {
  stetAccounts,
  stetBalances,
  stetErrorBody,
  stetOAuthError,
  stetPaymentCreated,
  stetPaymentRequest,
  stetTokenResponse,
  stetTransactions,
} from './types';

export interface StetClientOptions extends Omit<UpstreamClientOptions, 'mapError'> {
  baseUrl: string;
  /** Where `/oauth/authorize` and `/oauth/token` live; the API's base URL unless the bank says otherwise. */
  oauthBaseUrl?: string;
  clientId: string;
  clientSecret?: string;
  signingKey: HttpSigningKey;
}

/** STET `ErrorModel` answers and RFC 6749 §5.2 token errors, mapped to what Passerelle can act on. */
export function mapStetError(status: number, headers: Headers, body: unknown, institutionId: string): ProviderError {
  const oauth = stetOAuthError.safeParse(body);
  const generic = stetErrorBody.safeParse(body);
  const fields = generic.success ? generic.data : {};
  const text =
    fields.error_description ??
    fields.message ??
    fields.errorMessage ??
    fields.error ??
    (typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}`);
  const bankCode = oauth.success ? oauth.data.error : undefined;
  const details = { institutionId, status, bankCode, retryAt: parseRetryAfter(headers.get('retry-after'), Date.now()) };
  if (status === 429) return new ProviderError('ACCESS_LIMIT_REACHED', text, details);
  // RFC 6749 §5.2: `invalid_grant` is an authorization code or refresh token that is expired, revoked or used.
  if (status === 401 || bankCode === 'invalid_grant' || bankCode === 'invalid_token') {
    if (/revoke/i.test(text)) return new ProviderError('CONSENT_REVOKED', text, details);
    if (/expire/i.test(text) || bankCode === 'invalid_grant')
      return new ProviderError('CONSENT_EXPIRED', text, details);
    return new ProviderError('CONSENT_INVALID', text, details);
  }
  if (status === 403) return new ProviderError('CONSENT_INVALID', text, details);
  if (status === 404) return new ProviderError('NOT_FOUND', text, details);
  if (status === 408 || status >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', text, details);
  return new ProviderError('REQUEST_REJECTED', text, details);
}

/**
 * STET 1.5 declares amounts as JSON numbers. A JSON number is decimal text, so the amount's string is written as the
 * number literal itself: no float ever holds the money.
 */
export function jsonWithDecimalAmounts(value: unknown): string {
  // A marker no real text contains (JSON.stringify would escape a control character, so none is used).
  const marker = `decimal-${randomUUID()}:`;
  const json = JSON.stringify(value, (_key, item: unknown) =>
    item instanceof DecimalLiteral ? `${marker}${item.text}` : item,
  );
  return json.replace(new RegExp(`"${marker}(-?\\d+(?:\\.\\d+)?)"`, 'g'), '$1');
}

export class DecimalLiteral {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new TypeError(`not a decimal: ${text}`);
  }
}

export class StetClient {
  readonly upstream: UpstreamClient;
  private readonly baseUrl: string;
  private readonly oauthBaseUrl: string;

  constructor(private readonly options: StetClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.oauthBaseUrl = (options.oauthBaseUrl ?? options.baseUrl).replace(/\/+$/, '');
    this.upstream = new UpstreamClient({ ...options, mapError: mapStetError });
  }

  /**
   * `valid_until` and `history_days` are the consent's terms for the bank to show the PSU. STET leaves them out of
   * OAuth2; a bank that does not know them ignores them (RFC 6749 §3.1), the sandbox bank shows and applies them.
   */
  authorizeUrl(params: {
    redirectUri: string;
    scope: string;
    state: string;
    validUntil?: string;
    historyDays?: number;
  }): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: params.redirectUri,
      scope: params.scope,
      state: params.state,
      ...(params.validUntil ? { valid_until: params.validUntil } : {}),
      ...(params.historyDays ? { history_days: String(params.historyDays) } : {}),
    });
    return `${this.oauthBaseUrl}/oauth/authorize?${query}`;
  }

  /**
   * RFC 6749 §4.1.3, §6 and §4.4. An authorization code is single-use and a refresh token may rotate, so only the
   * client-credentials grant is retried.
   */
  async token(grant: Record<string, string>) {
    const form = new URLSearchParams({
      ...grant,
      client_id: this.options.clientId,
      ...(this.options.clientSecret ? { client_secret: this.options.clientSecret } : {}),
    });
    const response = await this.upstream.send({
      method: 'POST',
      url: `${this.oauthBaseUrl}/oauth/token`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      resource: 'oauth',
      retryable: grant.grant_type === 'client_credentials',
      schema: stetTokenResponse,
    });
    return response.body!;
  }

  /** RFC 7009: revoking the refresh token ends the grant at the bank; revoking twice is harmless, so it is retried. */
  async revokeToken(token: string, hint: 'refresh_token' | 'access_token') {
    const form = new URLSearchParams({
      token,
      token_type_hint: hint,
      client_id: this.options.clientId,
      ...(this.options.clientSecret ? { client_secret: this.options.clientSecret } : {}),
    });
    await this.upstream.send({
      method: 'POST',
      url: `${this.oauthBaseUrl}/oauth/revoke`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      resource: 'oauth',
      retryable: true,
      schema: undefined,
    });
  }

  getAccounts(accessToken: string, psu: PsuContext) {
    return this.call('GET', '/accounts', 'accounts', stetAccounts, accessToken, { psu, retryable: true });
  }

  getBalances(accessToken: string, accountId: string, psu: PsuContext) {
    return this.call('GET', `/accounts/${enc(accountId)}/balances`, 'balances', stetBalances, accessToken, {
      psu,
      retryable: true,
    });
  }

  /** One page; a 204 (Fortis' answer past the last page) has no body. */
  async getTransactionsPage(accessToken: string, pathOrHref: string, psu: PsuContext) {
    return this.call('GET', pathOrHref, 'transactions', stetTransactions, accessToken, { psu, retryable: true });
  }

  /** The X-Request-ID carries the payment's idempotency key: a replay is the same payment request, so it is retried. */
  async createPaymentRequest(accessToken: string, body: string, requestId: string, psu: PsuContext) {
    const response = await this.send('POST', '/payment-requests', 'payments', stetPaymentCreated, accessToken, {
      psu,
      body,
      requestId,
      retryable: true,
    });
    return { body: response.body!, location: response.headers.get('location') ?? undefined };
  }

  getPaymentRequest(accessToken: string, id: string) {
    return this.call('GET', `/payment-requests/${enc(id)}`, 'payments', stetPaymentRequest, accessToken, {
      retryable: true,
    });
  }

  /** STET 1.5 §4.6: confirming twice is harmless for the bank (409 at worst), but it is a write: not retried. */
  confirmPaymentRequest(accessToken: string, id: string) {
    return this.call('POST', `/payment-requests/${enc(id)}/confirmation`, 'payments', stetPaymentRequest, accessToken, {
      body: '{}',
    });
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    pathOrHref: string,
    resource: UpstreamResource,
    schema: S,
    accessToken: string,
    options: { psu?: PsuContext; body?: string; retryable?: boolean; requestId?: string },
  ): Promise<z.infer<S> | undefined> {
    return (await this.send(method, pathOrHref, resource, schema, accessToken, options)).body;
  }

  private send<S extends z.ZodType>(
    method: 'GET' | 'POST',
    pathOrHref: string,
    resource: UpstreamResource,
    schema: S,
    accessToken: string,
    options: { psu?: PsuContext; body?: string; retryable?: boolean; requestId?: string },
  ) {
    const url = resolveHref(this.baseUrl, pathOrHref);
    const headers: Record<string, string> = {
      Accept: 'application/hal+json, application/json',
      Authorization: `Bearer ${accessToken}`,
      'X-Request-ID': options.requestId ?? newRequestId(),
      Digest: digestHeader(options.body ?? ''),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      // PSD2 RTS art. 36(5): the PSU's IP address is sent only when the PSU is present.
      ...(options.psu?.ipAddress ? { 'PSU-IP-Address': options.psu.ipAddress } : {}),
      ...(options.psu?.ipAddress && options.psu.userAgent ? { 'PSU-User-Agent': options.psu.userAgent } : {}),
    };
    headers.Signature = signatureHeader(this.options.signingKey, method, url, headers);
    return this.upstream.send({
      method,
      url,
      headers,
      body: options.body,
      resource,
      retryable: options.retryable ?? false,
      schema,
    });
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
