/**
 * The STET PSD2 1.5 adapter. STET has no AIS consent resource: the PSU consents on the bank's OAuth2 authorization
 * page, and the adapter's "consent" is the token pair it gets back (returned to the gateway, which stores it
 * encrypted). `providerConsentId` is an id of the adapter's choosing.
 */
import { randomUUID } from 'node:crypto';
import { nextDay } from '../shared/dates';
import { readAllPages, readListForAccounts } from '../shared/paging';
import { readEachAccount } from '../shared/per-account';
import { requestIdForIdempotencyKey } from '../shared/request-id';
import { withQuery } from '../shared/urls';
import { withInstitution, type FetchFn, type ResilienceOptions, type UpstreamObserver } from '../shared/upstream';
import {
  ProviderError,
  type CompleteConsentResult,
  type ConsentCallback,
  type ConsentHandle,
  type CreateConsentRequest,
  type CreateConsentResult,
  type InstitutionEndpoint,
  type PaymentCallback,
  type PaymentInitiation,
  type PaymentRequest,
  type PaymentStatus,
  type ProviderAccount,
  type ProviderAdapter,
  type ProviderBalance,
  type ProviderConsentStatus,
  type ProviderTokens,
  type PsuContext,
  type TransactionPage,
  type TransactionQuery,
} from '../types';
import { DecimalLiteral, jsonWithDecimalAmounts, StetClient } from './client';
import type { HttpSigningKey } from './http-signature';
import { accountsFromStet, balanceFromStet, paymentStatusFromStet, transactionsFromStet } from './transform';
import type { StetTokenResponse } from './types';

export interface StetAdapterOptions {
  endpoint: InstitutionEndpoint;
  /** The TPP's QSealC key: STET requires every request signed. */
  signingKey: HttpSigningKey;
  clientSecret?: string;
  oauthBaseUrl?: string;
  /** The name the bank shows as the payment's initiating party (STET `initiatingParty.name`). */
  initiatingPartyName?: string;
  /** Called with the new pair whenever an access token is refreshed, so the gateway can store it (encrypted). */
  onTokensRefreshed?: (providerConsentId: string, tokens: ProviderTokens) => void | Promise<void>;
  fetch?: FetchFn;
  observer?: UpstreamObserver;
  resilience?: Partial<ResilienceOptions>;
  maxPages?: number;
  now?: () => number;
}

/** An access token this close to its expiry is refreshed first, so it does not expire on the way to the bank. */
const expirySkewMs = 30_000;

export class StetAdapter implements ProviderAdapter {
  readonly standard = 'STET' as const;
  readonly client: StetClient;
  private readonly institutionId: string;
  private readonly maxPages: number;
  private readonly now: () => number;
  /** Tokens refreshed in this process, newer than what the caller may still hold. */
  private readonly freshTokens = new Map<string, ProviderTokens>();
  /** One refresh at a time per consent: parallel balance reads must not spend the refresh token twice. */
  private readonly refreshing = new Map<string, Promise<ProviderTokens>>();
  private clientToken: { accessToken: string; expiresAt: number } | undefined;

  constructor(private readonly options: StetAdapterOptions) {
    if (!options.endpoint.clientId) throw new TypeError('A STET endpoint needs the OAuth2 client id');
    this.institutionId = options.endpoint.institutionId;
    this.maxPages = options.maxPages ?? 1000;
    this.now = options.now ?? Date.now;
    this.client = new StetClient({
      baseUrl: options.endpoint.baseUrl,
      oauthBaseUrl: options.oauthBaseUrl,
      clientId: options.endpoint.clientId,
      clientSecret: options.clientSecret,
      signingKey: options.signingKey,
      institutionId: options.endpoint.institutionId,
      fetch: options.fetch,
      observer: options.observer,
      resilience: options.resilience,
      now: options.now,
    });
  }

  /**
   * No bank call: the authorization URL is the consent request (RFC 6749 §4.1.1). STET 1.5 (`accessCode` scopes):
   * history beyond the last 90 days needs the `extended_transaction_history` scope next to `aisp`.
   */
  async createConsent(request: CreateConsentRequest): Promise<CreateConsentResult> {
    const accountInformation = request.scopes.some((scope) => scope !== 'PAYMENTS');
    const scope = !accountInformation
      ? 'pisp'
      : request.historyDays > 90
        ? 'aisp extended_transaction_history'
        : 'aisp';
    return {
      providerConsentId: randomUUID(),
      status: 'PENDING_AUTHORISATION',
      authorisationUrl: this.client.authorizeUrl({
        redirectUri: request.redirectUri,
        scope,
        state: request.state,
        validUntil: request.validUntil,
        ...(accountInformation ? { historyDays: request.historyDays } : {}),
      }),
    };
  }

  /** RFC 6749 §4.1.2: the redirect carries `code` (approved) or `error=access_denied` (refused). */
  async completeConsent(callback: ConsentCallback): Promise<CompleteConsentResult> {
    if (callback.query.error) return { status: 'REJECTED' };
    const code = callback.query.code;
    if (!code) {
      throw new ProviderError('CONSENT_INVALID', 'The bank redirected without an authorization code', {
        institutionId: this.institutionId,
      });
    }
    const response = await this.client.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callback.redirectUri,
    });
    const tokens = this.tokensFrom(response);
    this.freshTokens.set(callback.providerConsentId, tokens);
    return { status: 'ACTIVE', tokens };
  }

  /**
   * STET has no consent status resource. The token endpoint answers from the grant's state at the bank, and a refresh
   * costs no account access (nothing against the 4-a-day budget): a refresh that works means active, an
   * `invalid_grant` says expired or revoked.
   */
  async getConsentStatus(consent: ConsentHandle): Promise<ProviderConsentStatus> {
    const tokens = this.freshTokens.get(consent.providerConsentId) ?? consent.tokens;
    if (!tokens) return 'PENDING_AUTHORISATION';
    try {
      await this.refresh(consent.providerConsentId, tokens);
      return 'ACTIVE';
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'CONSENT_EXPIRED') return 'EXPIRED';
      if (error instanceof ProviderError && (error.code === 'CONSENT_REVOKED' || error.code === 'CONSENT_INVALID')) {
        return 'REVOKED';
      }
      throw error;
    }
  }

  /**
   * STET 1.5 defines no AIS consent revocation: the grant is ended at the bank with OAuth2 token revocation
   * (RFC 7009, the sandbox's `/oauth/revoke`), and the gateway deletes its encrypted copy of the tokens.
   */
  async revokeConsent(consent: ConsentHandle): Promise<void> {
    const tokens = this.freshTokens.get(consent.providerConsentId) ?? consent.tokens;
    this.freshTokens.delete(consent.providerConsentId);
    if (!tokens) return;
    if (tokens.refreshToken) await this.client.revokeToken(tokens.refreshToken, 'refresh_token');
    await this.client.revokeToken(tokens.accessToken, 'access_token');
  }

  async listAccounts(consent: ConsentHandle, psu: PsuContext): Promise<ProviderAccount[]> {
    const body = await this.withToken(consent, (token) => this.client.getAccounts(token, psu));
    // STET 1.5: 204 is "no account" for this PSU.
    return withInstitution(this.institutionId, () => accountsFromStet(body?.accounts ?? []));
  }

  /**
   * One `GET /accounts` (observed as resource `accounts`) for every account: STET 1.5 lets the list carry each
   * account's balances (`AccountResource.balances`, optional, minItems 1). The field is optional and real banks leave
   * it out (the recorded BNP Paribas, BNP Paribas Fortis and Boursorama lists in `shared/specs/fixtures/stet` have no
   * balances), and the list may be paged: an account missing from the answer, or listed without balances, is read
   * alone with `GET /accounts/{accountResourceId}/balances`, in parallel, each failing alone. A list call that fails
   * fails every requested account with its error, without one more call per account.
   */
  async getBalances(
    consent: ConsentHandle,
    providerAccountIds: string[],
    psu: PsuContext,
  ): Promise<Map<string, ProviderBalance[] | ProviderError>> {
    const result = new Map<string, ProviderBalance[] | ProviderError>();
    if (providerAccountIds.length === 0) return result;
    const listed = await readListForAccounts(providerAccountIds, () =>
      this.withToken(consent, (token) => this.client.getAccounts(token, psu)),
    );
    if ('failed' in listed) return listed.failed;
    // STET 1.5: 204 is "no account" for this PSU; then every account is read alone.
    const byId = new Map((listed.list?.accounts ?? []).map((account) => [account.resourceId, account]));
    return readEachAccount(providerAccountIds, async (id) => {
      const listedBalances = byId.get(id)?.balances;
      if (listedBalances?.length) return withInstitution(this.institutionId, () => listedBalances.map(balanceFromStet));
      const body = await this.withToken(consent, (token) => this.client.getBalances(token, id, psu));
      return withInstitution(this.institutionId, () => (body?.balances ?? []).map(balanceFromStet));
    });
  }

  /**
   * STET 1.5 `dateTo` is exclusive and both bounds are date-times: the inclusive normalized end date becomes the next
   * day's midnight. STET has no booking-status filter, so the status is filtered here.
   */
  async getTransactions(
    consent: ConsentHandle,
    providerAccountId: string,
    query: TransactionQuery,
    psu: PsuContext,
  ): Promise<TransactionPage> {
    const params = new URLSearchParams({
      dateFrom: `${query.dateFrom}T00:00:00Z`,
      dateTo: `${nextDay(query.dateTo)}T00:00:00Z`,
    });
    const first = `/accounts/${encodeURIComponent(providerAccountId)}/transactions?${params}`;
    const { items: transactions, pages } = await this.withToken(consent, (token) =>
      readAllPages(
        first,
        async (href) => {
          const body = await this.client.getTransactionsPage(token, href, psu);
          // A 204 page has no content: the list ends there.
          return (
            body && {
              items: withInstitution(this.institutionId, () => transactionsFromStet(body.transactions)),
              next: body._links?.next?.href,
            }
          );
        },
        { maxPages: this.maxPages, institutionId: this.institutionId },
      ),
    );
    const wanted = transactions.filter((line) => query.status === 'BOTH' || line.status === query.status);
    return { transactions: wanted, pages };
  }

  async initiatePayment(_consent: ConsentHandle | undefined, request: PaymentRequest): Promise<PaymentInitiation> {
    const requestId = requestIdForIdempotencyKey(request.idempotencyKey);
    const now = new Date(this.now()).toISOString();
    const beneficiary = {
      ...(request.creditor.bic ? { creditorAgent: { bicFi: request.creditor.bic } } : {}),
      creditor: { name: request.creditor.name },
      creditorAccount: { iban: request.creditor.iban },
    };
    const body = jsonWithDecimalAmounts({
      paymentInformationId: requestId,
      creationDateTime: now,
      numberOfTransactions: 1,
      initiatingParty: { name: this.options.initiatingPartyName ?? 'Passerelle' },
      paymentTypeInformation: { serviceLevel: 'SEPA' },
      debtorAccount: { iban: request.debtorIban },
      beneficiary,
      chargeBearer: 'SLEV',
      creditTransferTransaction: [
        {
          paymentId: { instructionId: requestId, endToEndId: request.endToEndId ?? requestId },
          requestedExecutionDate: now,
          instructedAmount: { amount: new DecimalLiteral(request.amount.amount), currency: request.amount.currency },
          beneficiary,
          ...(request.remittanceUnstructured
            ? { remittanceInformation: { unstructured: [request.remittanceUnstructured] } }
            : {}),
        },
      ],
      supplementaryData: {
        acceptedAuthenticationApproach: ['REDIRECT'],
        successfulReportUrl: withQuery(request.redirectUri, { state: request.state }),
        unsuccessfulReportUrl: withQuery(request.redirectUri, { state: request.state, error: 'access_denied' }),
      },
    });
    const token = await this.clientCredentialsToken();
    const created = await this.client.createPaymentRequest(token, body, requestId, request.psu);
    // STET 1.5 §4.5: the created resource is named by the Location header of the 201.
    const providerPaymentId = created.location?.split('?')[0]?.split('/').filter(Boolean).pop();
    if (!providerPaymentId) {
      throw new ProviderError('MALFORMED_RESPONSE', 'The bank did not say where the payment request was created', {
        institutionId: this.institutionId,
      });
    }
    return {
      providerPaymentId: decodeURIComponent(providerPaymentId),
      status: 'RCVD',
      authorisationUrl: created.body._links.consentApproval.href,
    };
  }

  /** STET 1.5 §4.6: after an approved redirect the PISP confirms the request; a refusal is only read back. */
  async completePayment(consent: ConsentHandle | undefined, callback: PaymentCallback): Promise<PaymentStatus> {
    if (callback.query.error) return this.getPaymentStatus(consent, callback.providerPaymentId);
    const token = await this.clientCredentialsToken();
    const body = await this.client.confirmPaymentRequest(token, callback.providerPaymentId);
    if (!body) {
      throw new ProviderError('MALFORMED_RESPONSE', 'The confirmation had no body', {
        institutionId: this.institutionId,
      });
    }
    return withInstitution(this.institutionId, () => paymentStatusFromStet(body));
  }

  async getPaymentStatus(_consent: ConsentHandle | undefined, providerPaymentId: string): Promise<PaymentStatus> {
    const token = await this.clientCredentialsToken();
    const body = await this.client.getPaymentRequest(token, providerPaymentId);
    if (!body) {
      throw new ProviderError('MALFORMED_RESPONSE', 'The payment request had no body', {
        institutionId: this.institutionId,
      });
    }
    return withInstitution(this.institutionId, () => paymentStatusFromStet(body));
  }

  private tokensFrom(response: StetTokenResponse, previous?: ProviderTokens): ProviderTokens {
    return {
      accessToken: response.access_token,
      // RFC 6749 §6: a refresh may return no new refresh token; the old one stays valid then.
      refreshToken: response.refresh_token ?? previous?.refreshToken,
      expiresAt: response.expires_in ? new Date(this.now() + response.expires_in * 1000).toISOString() : undefined,
    };
  }

  /**
   * Runs a read with the consent's access token. RFC 6750 §3.1: an access token that expired answers 401, and the
   * expiry the bank announced may be missing or off: on a 401 the token is refreshed once and the read retried; a
   * refresh the bank refuses is the consent's real state (expired or revoked).
   */
  private async withToken<T>(consent: ConsentHandle, work: (accessToken: string) => Promise<T>): Promise<T> {
    const used = await this.accessToken(consent);
    try {
      return await work(used);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.details.status !== 401) throw error;
      const tokens = this.freshTokens.get(consent.providerConsentId) ?? consent.tokens;
      if (!tokens?.refreshToken) throw error;
      // A parallel read may already have refreshed: then its token is used, not refreshed again.
      const fresh = tokens.accessToken !== used ? tokens : await this.refresh(consent.providerConsentId, tokens);
      return work(fresh.accessToken);
    }
  }

  /** A valid access token for the consent, refreshed first when it is about to expire. */
  private async accessToken(consent: ConsentHandle): Promise<string> {
    const tokens = this.freshTokens.get(consent.providerConsentId) ?? consent.tokens;
    if (!tokens) {
      throw new ProviderError('CONSENT_INVALID', 'No token for this consent: it was never authorised', {
        institutionId: this.institutionId,
      });
    }
    const expiresAt = tokens.expiresAt ? Date.parse(tokens.expiresAt) : Number.POSITIVE_INFINITY;
    if (expiresAt - expirySkewMs > this.now()) return tokens.accessToken;
    return (await this.refresh(consent.providerConsentId, tokens)).accessToken;
  }

  private refresh(providerConsentId: string, tokens: ProviderTokens): Promise<ProviderTokens> {
    const running = this.refreshing.get(providerConsentId);
    if (running) return running;
    const work = (async () => {
      if (!tokens.refreshToken) {
        throw new ProviderError('CONSENT_EXPIRED', 'The access token expired and the bank gave no refresh token', {
          institutionId: this.institutionId,
        });
      }
      const response = await this.client.token({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
      const fresh = this.tokensFrom(response, tokens);
      this.freshTokens.set(providerConsentId, fresh);
      await this.options.onTokensRefreshed?.(providerConsentId, fresh);
      return fresh;
    })().finally(() => this.refreshing.delete(providerConsentId));
    this.refreshing.set(providerConsentId, work);
    return work;
  }

  /** STET 1.5: payment requests are posted with a client-credentials token (scope `pisp`), reused until it expires. */
  private async clientCredentialsToken(): Promise<string> {
    if (this.clientToken && this.clientToken.expiresAt - expirySkewMs > this.now()) return this.clientToken.accessToken;
    const response = await this.client.token({ grant_type: 'client_credentials', scope: 'pisp' });
    this.clientToken = {
      accessToken: response.access_token,
      expiresAt: this.now() + (response.expires_in ?? 300) * 1000,
    };
    return response.access_token;
  }
}
