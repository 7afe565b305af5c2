/** The Berlin Group NextGenPSD2 1.3.x adapter: consent, account information and SEPA credit transfers. */
import { requestIdForIdempotencyKey } from '../shared/request-id';
import { readAllPages, readListForAccounts } from '../shared/paging';
import { readEachAccount } from '../shared/per-account';
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
  type ProviderTransaction,
  type PsuContext,
  type TransactionPage,
  type TransactionQuery,
} from '../types';
import { BerlinGroupClient } from './client';
import { accountFromBg, balanceFromBg, consentStatusFromBg, transactionFromBg } from './transform';
import type { BgTransactionsPage } from './types';

export interface BerlinGroupAdapterOptions {
  endpoint: InstitutionEndpoint;
  fetch?: FetchFn;
  observer?: UpstreamObserver;
  resilience?: Partial<ResilienceOptions>;
  /** Guards against a bank whose `_links.next` never ends. */
  maxPages?: number;
}

export class BerlinGroupAdapter implements ProviderAdapter {
  readonly standard = 'BERLIN_GROUP' as const;
  readonly client: BerlinGroupClient;
  private readonly institutionId: string;
  private readonly maxPages: number;

  constructor(options: BerlinGroupAdapterOptions) {
    this.institutionId = options.endpoint.institutionId;
    this.maxPages = options.maxPages ?? 1000;
    this.client = new BerlinGroupClient({
      baseUrl: options.endpoint.baseUrl,
      institutionId: options.endpoint.institutionId,
      fetch: options.fetch,
      observer: options.observer,
      resilience: options.resilience,
    });
  }

  async createConsent(request: CreateConsentRequest): Promise<CreateConsentResult> {
    if (!request.psu.ipAddress) {
      throw new TypeError('Berlin Group consent creation needs the PSU present (PSU-IP-Address is mandatory)');
    }
    const redirect = { redirectUri: withQuery(request.redirectUri, { state: request.state }) };
    const created = await this.client.createConsent(consentBody(request), request.psu, redirect);
    let scaRedirect = created._links.scaRedirect?.href;
    if (!scaRedirect && created._links.startAuthorisation) {
      // Berlin Group 1.3.11 §6.3.1: with implicit authorisation off, the TPP starts the authorisation explicitly.
      const started = await this.client.startConsentAuthorisation(created.consentId, request.psu, redirect);
      scaRedirect = started._links?.scaRedirect?.href;
    }
    if (!scaRedirect) {
      throw new ProviderError('MALFORMED_RESPONSE', 'The bank offered no redirect SCA link for the consent', {
        institutionId: this.institutionId,
      });
    }
    return {
      providerConsentId: created.consentId,
      status: consentStatusFromBg(created.consentStatus),
      authorisationUrl: scaRedirect,
    };
  }

  /**
   * The bank redirects to TPP-Redirect-URI with `consentId` added (and `error=access_denied` on a refusal); the
   * consent's status at the bank is the truth either way.
   */
  async completeConsent(callback: ConsentCallback): Promise<CompleteConsentResult> {
    const returnedId = callback.query.consentId;
    if (returnedId !== undefined && returnedId !== callback.providerConsentId) {
      throw new ProviderError('CONSENT_INVALID', 'The bank redirected with another consent id', {
        institutionId: this.institutionId,
      });
    }
    const status = await this.getConsentStatus({ providerConsentId: callback.providerConsentId });
    if (callback.query.error && status === 'PENDING_AUTHORISATION') return { status: 'REJECTED' };
    return { status };
  }

  async getConsentStatus(consent: ConsentHandle): Promise<ProviderConsentStatus> {
    const response = await this.client.getConsentStatus(consent.providerConsentId);
    return consentStatusFromBg(response.consentStatus);
  }

  async revokeConsent(consent: ConsentHandle): Promise<void> {
    try {
      await this.client.deleteConsent(consent.providerConsentId);
    } catch (error) {
      // Revoking a consent the bank already forgot, expired or revoked leaves it revoked: the goal is reached.
      if (error instanceof ProviderError && ['NOT_FOUND', 'CONSENT_EXPIRED', 'CONSENT_REVOKED'].includes(error.code)) {
        return;
      }
      throw error;
    }
  }

  async listAccounts(consent: ConsentHandle, psu: PsuContext): Promise<ProviderAccount[]> {
    const withBalance = consent.scopes?.includes('BALANCES') ?? false;
    const response = await this.client.getAccounts(consent.providerConsentId, withBalance, psu);
    return withInstitution(this.institutionId, () => response.accounts.map(accountFromBg));
  }

  /**
   * Berlin Group has no multi-account balance endpoint except the account list with `withBalance=true`: one call for
   * every account when the consent covers balances; else one call per account, in parallel, each failing alone.
   */
  async getBalances(
    consent: ConsentHandle,
    providerAccountIds: string[],
    psu: PsuContext,
  ): Promise<Map<string, ProviderBalance[] | ProviderError>> {
    const result = new Map<string, ProviderBalance[] | ProviderError>();
    if (providerAccountIds.length === 0) return result;
    if (consent.scopes?.includes('BALANCES') && providerAccountIds.length > 1) {
      const accounts = await readListForAccounts(providerAccountIds, () => this.listAccounts(consent, psu));
      if ('failed' in accounts) return accounts.failed;
      const byId = new Map(accounts.list.map((account) => [account.providerAccountId, account]));
      for (const id of providerAccountIds) {
        const balances = byId.get(id)?.balances;
        result.set(
          id,
          balances ??
            new ProviderError('NOT_FOUND', `Account ${id} has no balances in the consent's account list`, {
              institutionId: this.institutionId,
            }),
        );
      }
      return result;
    }
    return readEachAccount(providerAccountIds, async (id) => {
      const response = await this.client.getBalances(consent.providerConsentId, id, psu);
      return withInstitution(this.institutionId, () => response.balances.map(balanceFromBg));
    });
  }

  /** Reads every page: the first from the query, then `_links.next` until the bank gives none. */
  async getTransactions(
    consent: ConsentHandle,
    providerAccountId: string,
    query: TransactionQuery,
    psu: PsuContext,
  ): Promise<TransactionPage> {
    const bookingStatus = { BOTH: 'both', BOOKED: 'booked', PENDING: 'pending' }[query.status];
    // Berlin Group dateTo is inclusive, like the normalized query.
    const params = new URLSearchParams({ bookingStatus, dateFrom: query.dateFrom, dateTo: query.dateTo });
    const first = `/v1/accounts/${encodeURIComponent(providerAccountId)}/transactions?${params}`;
    const { items, pages } = await readAllPages(
      first,
      async (href) => {
        const page: BgTransactionsPage = await this.client.getTransactionsPage(consent.providerConsentId, href, psu);
        return {
          items: withInstitution(this.institutionId, () => pageTransactions(page, query)),
          next: page.transactions._links?.next?.href ?? page._links?.next?.href,
        };
      },
      { maxPages: this.maxPages, institutionId: this.institutionId },
    );
    return { transactions: items, pages };
  }

  async initiatePayment(_consent: ConsentHandle | undefined, request: PaymentRequest): Promise<PaymentInitiation> {
    if (!request.psu.ipAddress) {
      throw new TypeError('Berlin Group payment initiation needs the PSU present (PSU-IP-Address is mandatory)');
    }
    const body = {
      ...(request.endToEndId ? { endToEndIdentification: request.endToEndId } : {}),
      debtorAccount: { iban: request.debtorIban },
      instructedAmount: { currency: request.amount.currency, amount: request.amount.amount },
      creditorAccount: { iban: request.creditor.iban },
      ...(request.creditor.bic ? { creditorAgent: request.creditor.bic } : {}),
      creditorName: request.creditor.name,
      ...(request.remittanceUnstructured ? { remittanceInformationUnstructured: request.remittanceUnstructured } : {}),
    };
    const created = await this.client.createSepaCreditTransfer(
      body,
      requestIdForIdempotencyKey(request.idempotencyKey),
      request.psu,
      { redirectUri: withQuery(request.redirectUri, { state: request.state }) },
    );
    const scaRedirect = created._links.scaRedirect?.href;
    if (!scaRedirect) {
      throw new ProviderError('MALFORMED_RESPONSE', 'The bank offered no redirect SCA link for the payment', {
        institutionId: this.institutionId,
      });
    }
    return { providerPaymentId: created.paymentId, status: created.transactionStatus, authorisationUrl: scaRedirect };
  }

  /** Berlin Group needs no confirmation after the redirect SCA: the status read tells the outcome. */
  completePayment(consent: ConsentHandle | undefined, callback: PaymentCallback): Promise<PaymentStatus> {
    return this.getPaymentStatus(consent, callback.providerPaymentId);
  }

  async getPaymentStatus(_consent: ConsentHandle | undefined, providerPaymentId: string): Promise<PaymentStatus> {
    const response = await this.client.getSepaCreditTransferStatus(providerPaymentId);
    return response.transactionStatus;
  }

  async cancelPayment(_consent: ConsentHandle | undefined, providerPaymentId: string): Promise<void> {
    await this.client.cancelSepaCreditTransfer(providerPaymentId);
  }
}

function pageTransactions(page: BgTransactionsPage, query: TransactionQuery): ProviderTransaction[] {
  const booked = query.status === 'PENDING' ? [] : (page.transactions.booked ?? []);
  const pending = query.status === 'BOOKED' ? [] : (page.transactions.pending ?? []);
  return [
    ...booked.map((line) => transactionFromBg(line, 'BOOKED')),
    ...pending.map((line) => transactionFromBg(line, 'PENDING')),
  ];
}

/**
 * The consent body of psd2-api 1.3.11 `consents`. Without account references, the bank-offered forms ask for every
 * account: `availableAccounts` (list only), `availableAccountsWithBalance`, or `allPsd2` (list, balances and
 * transactions). The history window is not part of a Berlin Group consent; the gateway bounds `dateFrom` itself.
 */
export function consentBody(request: CreateConsentRequest): object {
  const scopes = new Set(request.scopes);
  const access = scopes.has('TRANSACTIONS')
    ? { allPsd2: 'allAccounts' }
    : scopes.has('BALANCES')
      ? { availableAccountsWithBalance: 'allAccounts' }
      : { availableAccounts: 'allAccounts' };
  return {
    access,
    recurringIndicator: true,
    validUntil: request.validUntil,
    frequencyPerDay: request.frequencyPerDay,
    combinedServiceIndicator: false,
  };
}
