/**
 * HTTP and headers for the Berlin Group NextGenPSD2 1.3.x XS2A interface; no mapping to normalized shapes here.
 * Headers follow psd2-api 1.3.11: `X-Request-ID` (UUID) on every call, `Consent-ID` on account reads,
 * `PSU-IP-Address` only when the PSU is present, `TPP-Redirect-URI` for the redirect SCA approach.
 */
import type { z } from 'zod';
import { parseRetryAfter, UpstreamClient, type UpstreamClientOptions, type UpstreamResource } from '../shared/upstream';
import { newRequestId } from '../shared/request-id';
import { resolveHref } from '../shared/urls';
import { ProviderError, type PsuContext } from '../types';
import {
  bgAccountList,
  bgAuthorisationStarted,
  bgBalances,
  bgConsentCreated,
  bgConsentStatusResponse,
  bgErrorBody,
  bgPaymentCreated,
  bgPaymentStatus,
  bgTransactionsPage,
} from './types';

export type BerlinGroupClientOptions = Omit<UpstreamClientOptions, 'mapError'> & { baseUrl: string };

/** psd2-api 1.3.8 `MessageCode*` lists: which tppMessages code means what for Passerelle. */
export function mapBerlinGroupError(
  status: number,
  headers: Headers,
  body: unknown,
  institutionId: string,
): ProviderError {
  const parsed = bgErrorBody.safeParse(body);
  const message = parsed.success ? parsed.data.tppMessages?.[0] : undefined;
  const bankCode = message?.code;
  const text = message?.text ?? (typeof body === 'string' ? body.slice(0, 200) : `HTTP ${status}`);
  const retryAt = parseRetryAfter(headers.get('retry-after'), Date.now());
  const details = { institutionId, status, bankCode, retryAt };
  if (status === 429) return new ProviderError('ACCESS_LIMIT_REACHED', text, details);
  switch (bankCode) {
    case 'CONSENT_EXPIRED':
      return new ProviderError('CONSENT_EXPIRED', text, details);
    case 'CONSENT_INVALID':
      // The standard has no "revoked" code: a consent the PSU revoked at the bank answers CONSENT_INVALID, and the
      // text is the only place that says why.
      return new ProviderError(/revoke/i.test(text) ? 'CONSENT_REVOKED' : 'CONSENT_INVALID', text, details);
    case 'CONSENT_UNKNOWN':
    case 'TOKEN_INVALID':
    case 'TOKEN_UNKNOWN':
    case 'TOKEN_EXPIRED':
      return new ProviderError('CONSENT_INVALID', text, details);
    case 'RESOURCE_UNKNOWN':
    case 'PRODUCT_UNKNOWN':
      return new ProviderError('NOT_FOUND', text, details);
    default:
      break;
  }
  if (status === 404) return new ProviderError('NOT_FOUND', text, details);
  if (status === 401) return new ProviderError('CONSENT_INVALID', text, details);
  if (status === 408 || status >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', text, details);
  return new ProviderError('REQUEST_REJECTED', text, details);
}

export interface RedirectHeaders {
  redirectUri: string;
  nokRedirectUri?: string;
}

export class BerlinGroupClient {
  readonly upstream: UpstreamClient;
  private readonly baseUrl: string;

  constructor(options: BerlinGroupClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.upstream = new UpstreamClient({ ...options, mapError: mapBerlinGroupError });
  }

  createConsent(body: object, psu: PsuContext, redirect: RedirectHeaders) {
    // POST /v1/consents is not idempotent (each call is a new consent): never retried.
    return this.call('POST', '/v1/consents', 'consents', bgConsentCreated, {
      headers: { ...psuHeaders(psu), ...redirectHeaders(redirect) },
      body,
    });
  }

  startConsentAuthorisation(consentId: string, psu: PsuContext, redirect: RedirectHeaders) {
    return this.call('POST', `/v1/consents/${enc(consentId)}/authorisations`, 'consents', bgAuthorisationStarted, {
      headers: { ...psuHeaders(psu), ...redirectHeaders(redirect) },
      body: {},
    });
  }

  getConsentStatus(consentId: string) {
    return this.call('GET', `/v1/consents/${enc(consentId)}/status`, 'consents', bgConsentStatusResponse, {
      retryable: true,
    });
  }

  deleteConsent(consentId: string) {
    return this.call('DELETE', `/v1/consents/${enc(consentId)}`, 'consents', undefined, { retryable: true });
  }

  getAccounts(consentId: string, withBalance: boolean, psu: PsuContext) {
    return this.call('GET', `/v1/accounts${withBalance ? '?withBalance=true' : ''}`, 'accounts', bgAccountList, {
      headers: { 'Consent-ID': consentId, ...psuHeaders(psu) },
      retryable: true,
    });
  }

  getBalances(consentId: string, accountId: string, psu: PsuContext) {
    return this.call('GET', `/v1/accounts/${enc(accountId)}/balances`, 'balances', bgBalances, {
      headers: { 'Consent-ID': consentId, ...psuHeaders(psu) },
      retryable: true,
    });
  }

  /** One page of transactions: the first from the query, the next ones from the bank's `_links.next` href. */
  getTransactionsPage(consentId: string, pathOrHref: string, psu: PsuContext) {
    return this.call('GET', pathOrHref, 'transactions', bgTransactionsPage, {
      headers: { 'Consent-ID': consentId, ...psuHeaders(psu) },
      retryable: true,
    });
  }

  /**
   * The X-Request-ID is the payment's idempotency key (derived from the client's), so a retried creation is the same
   * payment at the bank: the creation may be retried.
   */
  createSepaCreditTransfer(body: object, requestId: string, psu: PsuContext, redirect: RedirectHeaders) {
    return this.call('POST', '/v1/payments/sepa-credit-transfers', 'payments', bgPaymentCreated, {
      headers: { ...psuHeaders(psu), ...redirectHeaders(redirect) },
      body,
      requestId,
      retryable: true,
    });
  }

  getSepaCreditTransferStatus(paymentId: string) {
    return this.call(
      'GET',
      `/v1/payments/sepa-credit-transfers/${enc(paymentId)}/status`,
      'payments',
      bgPaymentStatus,
      {
        retryable: true,
      },
    );
  }

  /** Berlin Group 1.3 §5.6: 204 when the bank cancels at once; a cancellation needing its own SCA (202) is refused. */
  cancelSepaCreditTransfer(paymentId: string) {
    return this.call('DELETE', `/v1/payments/sepa-credit-transfers/${enc(paymentId)}`, 'payments', undefined, {
      retryable: true,
    });
  }

  private async call<S extends z.ZodType | undefined>(
    method: 'GET' | 'POST' | 'DELETE',
    pathOrHref: string,
    resource: UpstreamResource,
    schema: S,
    options: { headers?: Record<string, string>; body?: object; retryable?: boolean; requestId?: string } = {},
  ) {
    const response = await this.upstream.send({
      method,
      url: resolveHref(this.baseUrl, pathOrHref),
      headers: {
        Accept: 'application/json',
        'X-Request-ID': options.requestId ?? newRequestId(),
        ...(options.body ? { 'Content-Type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
      resource,
      retryable: options.retryable ?? false,
      schema,
    });
    return response.body as S extends z.ZodType ? z.infer<S> : undefined;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** Berlin Group 1.3.11 §4.x: PSU-IP-Address is present if and only if the PSU initiated the request. */
function psuHeaders(psu: PsuContext): Record<string, string> {
  const headers: Record<string, string> = {};
  if (psu.ipAddress) headers['PSU-IP-Address'] = psu.ipAddress;
  if (psu.ipAddress && psu.userAgent) headers['PSU-User-Agent'] = psu.userAgent;
  return headers;
}

function redirectHeaders(redirect: RedirectHeaders): Record<string, string> {
  return {
    'TPP-Redirect-Preferred': 'true',
    'TPP-Redirect-URI': redirect.redirectUri,
    ...(redirect.nokRedirectUri ? { 'TPP-Nok-Redirect-URI': redirect.nokRedirectUri } : {}),
  };
}
