import { randomBytes, randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isValidIBAN } from 'ibantools';
import { type BankContext, type ConsentEnding, bankBase, bankRouter } from './bank-context';
import { apiFaults } from './faults';
import { type VisibleEntry, decimalString } from './ledger';
import { LOCKED_MESSAGE, ScaAttempts, readScaForm, renderScaPage, serveScaPage, withQuery } from './sca-page';
import { DAY_MS, type SandboxAccount, isoDate } from './seed-data';

/**
 * A bank speaking the STET PSD2 API 1.5 (specs/stet/stet-ais-pis-1.5.0.json). STET leaves the OAuth2 endpoints to
 * each bank; this one fixes them as `{base}/oauth/authorize` (authorization code with redirect SCA) and
 * `{base}/oauth/token` (authorization_code, refresh_token, client_credentials), errors as RFC 6749 §5.2.
 */

/** Transactions per page, small so that paging is exercised by every client. */
export const STET_PAGE_SIZE = 50;
const ACCESS_TOKEN_SECONDS = 3600;
const CODE_LIFETIME_MS = 10 * 60_000;
/** STET 1.5 §3.4.2 lets a bank answer the last 90 days when the AISP gives no dateFrom. */
const DEFAULT_HISTORY_DAYS = 90;

type Scope = 'aisp' | 'pisp';

/** What the PSU approved at the bank: the lasting grant behind every token issued for it. */
interface Grant {
  id: string;
  psuId?: string;
  scope: Scope;
  validUntil: Date;
  status: 'active' | 'revoked' | 'expired';
}

interface Token {
  grant: Grant;
  expiresAt: Date;
}

interface AuthorizationCode {
  grant: Grant;
  clientId: string;
  redirectUri: string;
  expiresAt: Date;
}

interface PaymentRequest {
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

class StetError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const HAL_JSON = 'application/hal+json; charset=utf-8';

function errorModel(status: number, error: string, message: string, path?: string) {
  return { timestamp: new Date().toISOString(), status, error, message: message.slice(0, 140), ...(path ? { path } : {}) };
}

/** STET accepts `YYYY-MM-DD` or a date-time for dateFrom/dateTo; both are read as the UTC calendar day. */
function parseDay(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new StetError(400, 'FORMAT_ERROR', `${name} must be an ISO 8601 date or date-time`);
  }
  return isoDate(new Date(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)));
}

function dateTime(day: string): string {
  return `${day}T00:00:00.000Z`;
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

export function stetBank(ctx: BankContext): Router {
  const { bank, ledger, now, faults } = ctx;
  const slug = bank.slug;
  const codes = new Map<string, AuthorizationCode>();
  const accessTokens = new Map<string, Token>();
  const refreshTokens = new Map<string, Grant>();
  const payments = new Map<string, PaymentRequest>();
  const paymentsByRequestId = new Map<string, string>();
  const router = bankRouter(ctx);

  const faulty = apiFaults(faults, slug, (status, code) => errorModel(status, code, 'Sandbox fault'), HAL_JSON);

  /** The grant's state now: validity runs out, and the bank may have expired or revoked it (fault knobs). */
  function refresh(grant: Grant): Grant {
    if (grant.status !== 'active') return grant;
    const f = faults.get(slug);
    if (f.consentRevoked) grant.status = 'revoked';
    else if (f.consentExpired || now() > grant.validUntil) grant.status = 'expired';
    return grant;
  }

  /** Every grant the PSUs gave, for the control API: those behind tokens and those still behind a code. */
  function grants(): Set<Grant> {
    return new Set([...refreshTokens.values(), ...[...accessTokens.values()].map((t) => t.grant), ...[...codes.values()].map((c) => c.grant)]);
  }
  /** Tokens and codes name their grant by id in the state file, so that they share one grant again once restored. */
  interface SavedStet {
    grants: Grant[];
    codes: [string, Omit<AuthorizationCode, 'grant'> & { grant: string }][];
    accessTokens: [string, { grant: string; expiresAt: Date }][];
    refreshTokens: [string, string][];
    payments: Map<string, PaymentRequest>;
    paymentsByRequestId: Map<string, string>;
  }
  ctx.state.register(slug, {
    snapshot: (): SavedStet => ({
      grants: [...grants()],
      codes: [...codes].map(([code, issued]) => [code, { ...issued, grant: issued.grant.id }]),
      accessTokens: [...accessTokens].map(([value, issued]) => [value, { grant: issued.grant.id, expiresAt: issued.expiresAt }]),
      refreshTokens: [...refreshTokens].map(([value, grant]) => [value, grant.id]),
      payments,
      paymentsByRequestId,
    }),
    restore: (data) => {
      const saved = data as SavedStet;
      const byId = new Map(saved.grants.map((grant) => [grant.id, grant]));
      for (const [code, issued] of saved.codes) codes.set(code, { ...issued, grant: byId.get(issued.grant) as Grant });
      for (const [value, issued] of saved.accessTokens) accessTokens.set(value, { ...issued, grant: byId.get(issued.grant) as Grant });
      for (const [value, grantId] of saved.refreshTokens) refreshTokens.set(value, byId.get(grantId) as Grant);
      for (const [id, payment] of saved.payments) payments.set(id, payment);
      for (const [requestId, id] of saved.paymentsByRequestId) paymentsByRequestId.set(requestId, id);
    },
  });

  const endGrant = (grant: Grant | undefined, how: ConsentEnding): boolean => {
    if (!grant || refresh(grant).status !== 'active') return false;
    grant.status = how;
    return true;
  };
  ctx.consents.set(slug, {
    end: (id, how) => endGrant(accessTokens.get(id)?.grant ?? refreshTokens.get(id), how),
    endAllOf: (psuId, how) => [...grants()].filter((g) => g.psuId === psuId && endGrant(g, how)).length,
  });

  // ---- OAuth2 (RFC 6749 §4.1 authorization code, §4.4 client credentials, §6 refresh; RFC 7009 revocation) ----

  router.use('/oauth', express.urlencoded({ extended: false }));

  interface AuthorizeRequest {
    clientId: string;
    redirectUri: string;
    scope: Scope;
    /** STET 1.5 §3.4.2: `extended_transaction_history` opens history beyond the last 90 days. */
    extendedHistory: boolean;
    state: string;
    /** End of the grant: the `valid_until` the TPP asked for, capped at the bank's maximum. */
    validUntil: string;
    /** What the PSU is shown of the history window: the TPP's `history_days` within what the scope allows. */
    historyDays: number;
  }

  function readAuthorize(source: Record<string, unknown>): AuthorizeRequest {
    const get = (name: string) => (typeof source[name] === 'string' ? (source[name] as string) : '');
    if (get('response_type') !== 'code') throw new StetError(400, 'unsupported_response_type', 'response_type must be code');
    if (!get('client_id')) throw new StetError(400, 'invalid_request', 'client_id is required');
    // RFC 6749 §4.1.2.1: with an unknown client or redirect URI the bank must not redirect, only tell the user.
    if (!ctx.oauthClients.isRegistered(get('client_id'))) throw new StetError(400, 'unauthorized_client', 'client_id is not registered at this bank');
    if (!ctx.oauthClients.allows(get('client_id'), get('redirect_uri'))) {
      throw new StetError(400, 'invalid_request', 'redirect_uri is not registered for this client_id');
    }
    const scopes = get('scope').split(' ');
    const scope = scopes.includes('pisp') ? 'pisp' : scopes.includes('aisp') ? 'aisp' : undefined;
    if (!scope) throw new StetError(400, 'invalid_scope', 'scope must be aisp or pisp');
    const extendedHistory = scopes.includes('extended_transaction_history');
    const maximum = isoDate(new Date(now().getTime() + bank.maxConsentDays * DAY_MS));
    const validUntil = get('valid_until') ? (parseDay(get('valid_until'), 'valid_until') as string) : maximum;
    if (validUntil < isoDate(now())) throw new StetError(400, 'invalid_request', 'valid_until is in the past');
    const historyLimit = extendedHistory ? bank.maxHistoryDays : DEFAULT_HISTORY_DAYS;
    const askedHistory = Number(get('history_days') || historyLimit);
    if (!Number.isInteger(askedHistory) || askedHistory < 1) throw new StetError(400, 'invalid_request', 'history_days must be a positive integer');
    return {
      clientId: get('client_id'),
      redirectUri: get('redirect_uri'),
      scope,
      extendedHistory,
      state: get('state'),
      validUntil: validUntil > maximum ? maximum : validUntil,
      historyDays: Math.min(askedHistory, historyLimit),
    };
  }

  function authorizePage(req: Request, request: AuthorizeRequest, error?: string): string {
    const days = Math.round((Date.parse(`${request.validUntil}T00:00:00Z`) - Date.parse(`${isoDate(now())}T00:00:00Z`)) / DAY_MS);
    const aisp = request.scope === 'aisp';
    return renderScaPage({
      bankName: bank.name,
      title: aisp ? 'Authorise access to your accounts' : 'Authorise payment initiation',
      action: `${bankBase(req)}/oauth/authorize`,
      details: [
        ['Third party', request.clientId],
        ['Access', aisp ? 'Accounts, balances and transactions of all accounts (aisp)' : 'Confirm payments you initiate (pisp)'],
        ['Valid until', `${request.validUntil} (${days} days)`],
        ...(aisp ? [['Transaction history', `the last ${request.historyDays} days`] as [string, string]] : []),
      ],
      hidden: {
        response_type: 'code',
        client_id: request.clientId,
        redirect_uri: request.redirectUri,
        scope: request.extendedHistory ? `${request.scope} extended_transaction_history` : request.scope,
        state: request.state,
        valid_until: request.validUntil,
        history_days: String(request.historyDays),
      },
      error,
    });
  }

  const attempts = new ScaAttempts();

  router.get('/oauth/authorize', (req, res) => {
    const request = readAuthorize(req.query as Record<string, unknown>);
    res.type('html').send(authorizePage(req, request));
  });

  router.post('/oauth/authorize', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const request = readAuthorize(body);
    const attempt = `${request.clientId}|${request.redirectUri}|${request.state}`;
    if (attempts.locked(attempt)) {
      res.status(423).type('html').send(authorizePage(req, request, LOCKED_MESSAGE));
      return;
    }
    const submission = readScaForm(body);
    if (!submission.psu) {
      const lockedNow = attempts.fail(attempt);
      res.status(lockedNow ? 423 : 401).type('html').send(authorizePage(req, request, lockedNow ? LOCKED_MESSAGE : submission.error));
      return;
    }
    const stateParam: Record<string, string> = request.state ? { state: request.state } : {};
    if (submission.decision === 'deny') {
      res.redirect(302, withQuery(request.redirectUri, { error: 'access_denied', ...stateParam }));
      return;
    }
    const grant: Grant = {
      id: randomUUID(),
      psuId: submission.psu.id,
      scope: request.scope,
      // The grant lasts to the end of its last day, as a Berlin Group consent's validUntil does.
      validUntil: new Date(Date.parse(`${request.validUntil}T00:00:00Z`) + DAY_MS),
      status: 'active',
    };
    const code = token();
    codes.set(code, { grant, clientId: request.clientId, redirectUri: request.redirectUri, expiresAt: new Date(now().getTime() + CODE_LIFETIME_MS) });
    res.redirect(302, withQuery(request.redirectUri, { code, ...stateParam }));
  });

  function issue(grant: Grant, withRefresh: boolean) {
    const accessToken = token();
    accessTokens.set(accessToken, { grant, expiresAt: new Date(now().getTime() + ACCESS_TOKEN_SECONDS * 1000) });
    let refreshToken: string | undefined;
    if (withRefresh) {
      refreshToken = token();
      refreshTokens.set(refreshToken, grant);
    }
    return {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: grant.scope,
    };
  }

  router.post('/oauth/token', faulty, (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    res.set('Cache-Control', 'no-store');
    switch (body.grant_type) {
      case 'authorization_code': {
        const code = body.code ? codes.get(body.code) : undefined;
        if (body.code) codes.delete(body.code);
        if (!code || code.expiresAt < now()) throw new OAuthError(400, 'invalid_grant', 'unknown, used or expired code');
        if (code.redirectUri !== body.redirect_uri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match');
        if (body.client_id && body.client_id !== code.clientId) throw new OAuthError(400, 'invalid_grant', 'code was issued to another client');
        res.json(issue(code.grant, true));
        return;
      }
      case 'refresh_token': {
        const grant = body.refresh_token ? refreshTokens.get(body.refresh_token) : undefined;
        if (!grant) throw new OAuthError(400, 'invalid_grant', 'unknown refresh token');
        const state = refresh(grant).status;
        if (state !== 'active') throw new OAuthError(400, 'invalid_grant', state === 'revoked' ? 'access revoked by the PSU' : 'consent expired');
        res.json(issue(grant, false));
        return;
      }
      case 'client_credentials': {
        if (!body.client_id) throw new OAuthError(401, 'invalid_client', 'client_id is required');
        const grant: Grant = { id: randomUUID(), scope: 'pisp', validUntil: new Date(now().getTime() + DAY_MS), status: 'active' };
        res.json(issue(grant, false));
        return;
      }
      default:
        throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code, refresh_token or client_credentials');
    }
  });

  /** RFC 7009: the TPP revokes what the PSU granted; both the access and the refresh token stop working. */
  router.post('/oauth/revoke', (req, res) => {
    const value = (req.body as Record<string, string | undefined>).token ?? '';
    const grant = accessTokens.get(value)?.grant ?? refreshTokens.get(value);
    if (grant) grant.status = 'revoked';
    res.status(200).end();
  });

  // ---- AISP and PISP resources ----

  const api = express.Router();
  router.use(['/accounts', '/payment-requests'], faulty, express.json());
  router.use(api);

  api.use(['/accounts', '/payment-requests'], (req, _res, next) => {
    if (!req.get('X-Request-ID')) throw new StetError(400, 'FORMAT_ERROR', 'X-Request-ID header is required');
    next();
  });

  function bearer(req: Request, scope: Scope): Grant {
    const value = req.get('Authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    const found = value ? accessTokens.get(value) : undefined;
    if (!found) throw new StetError(401, 'invalid_token', 'Unknown access token');
    const grant = refresh(found.grant);
    if (grant.status === 'revoked') throw new StetError(401, 'invalid_token', 'Access revoked by the PSU at the bank');
    if (grant.status === 'expired') throw new StetError(401, 'invalid_token', 'The consent behind this token expired');
    if (found.expiresAt <= now()) throw new StetError(401, 'invalid_token', 'The access token expired');
    if (grant.scope !== scope) throw new StetError(403, 'insufficient_scope', `This resource needs the ${scope} scope`);
    return grant;
  }

  function ownAccount(req: Request, grant: Grant): SandboxAccount {
    const account = ledger.account(slug, req.params.accountResourceId as string);
    if (!account || account.psuId !== grant.psuId) throw new StetError(404, 'NOT_FOUND', 'No such account');
    return account;
  }

  function hal(res: Response, status: number, body: unknown): void {
    res.status(status).type(HAL_JSON).json(body);
  }

  function balancesJson(account: SandboxAccount) {
    const set = ledger.balances(account);
    const amount = (value: Decimal) => ({ amount: decimalString(value), currency: account.currency });
    const lastChange = set.lastChangeDateTime.toISOString();
    return [
      { name: 'Solde comptable', balanceType: 'CLBD', balanceAmount: amount(set.closingBooked), referenceDate: dateTime(set.closingBookedDate) },
      { name: 'Solde instantané', balanceType: 'OTHR', balanceAmount: amount(set.interimBooked), lastChangeDateTime: lastChange },
      { name: 'Solde prévisionnel', balanceType: 'XPCD', balanceAmount: amount(set.expected), lastChangeDateTime: lastChange },
    ];
  }

  api.get('/accounts', (req, res) => {
    const grant = bearer(req, 'aisp');
    const base = bankBase(req);
    const accounts = ledger.accountsOf(slug, grant.psuId as string).map((account) => ({
      resourceId: account.resourceId,
      bicFi: account.bic,
      accountId: { iban: account.iban, currency: account.currency },
      name: account.name,
      usage: 'ORGA',
      // ISO 20022 ExternalCashAccountType1Code, as French banks send it: STET 1.5 enumerates only CACC and CARD, but
      // a savings account listed as CACC would reach the TPP as a current account (contract.test.ts allows the list).
      cashAccountType: account.cashAccountType,
      product: account.product,
      currency: account.currency,
      // STET 1.5 `AccountResource.balances` (optional, minItems 1): the same balances as GET /accounts/{id}/balances,
      // so that an AISP reads every account's balances in this one call.
      balances: balancesJson(account),
      psuStatus: 'Account Holder',
      _links: {
        balances: { href: `${base}/accounts/${account.resourceId}/balances` },
        transactions: { href: `${base}/accounts/${account.resourceId}/transactions` },
      },
    }));
    hal(res, 200, { accounts, _links: { self: { href: `${base}/accounts` } } });
  });

  api.get('/accounts/:accountResourceId/balances', (req, res) => {
    const account = ownAccount(req, bearer(req, 'aisp'));
    const base = `${bankBase(req)}/accounts`;
    hal(res, 200, {
      balances: balancesJson(account),
      _links: {
        self: { href: `${base}/${account.resourceId}/balances` },
        'parent-list': { href: base },
        transactions: { href: `${base}/${account.resourceId}/transactions` },
      },
    });
  });

  function transactionJson(visible: VisibleEntry) {
    const { entry, status, id } = visible;
    const credit = entry.amount.isPositive();
    const [domain, family, subFamily] = entry.bankTransactionCode.split('-');
    const party = entry.counterpartyName
      ? credit
        ? { debtor: { name: entry.counterpartyName }, ...(entry.counterpartyIban ? { debtorAccount: { iban: entry.counterpartyIban } } : {}) }
        : { creditor: { name: entry.counterpartyName }, ...(entry.counterpartyIban ? { creditorAccount: { iban: entry.counterpartyIban } } : {}) }
      : undefined;
    return {
      resourceId: id,
      ...(status === 'booked' ? { entryReference: entry.id } : {}),
      // STET 1.5: the amount is unsigned; creditDebitIndicator carries the direction.
      transactionAmount: { amount: decimalString(entry.amount.abs()), currency: 'EUR' },
      creditDebitIndicator: credit ? 'CRDT' : 'DBIT',
      status: status === 'booked' ? 'BOOK' : 'PDNG',
      ...(entry.endToEndId ? { endToEndId: entry.endToEndId } : {}),
      ...(status === 'booked'
        ? { bookingDate: dateTime(entry.bookingDate) }
        : { expectedBookingDate: dateTime(entry.bookingDate) }),
      valueDate: dateTime(entry.valueDate),
      transactionDate: entry.initiatedAt.toISOString(),
      bankTransactionCode: { domain, family, subFamily },
      ...(party ? { relatedParties: party } : {}),
      remittanceInformation: {
        ...(entry.remittanceUnstructured ? { unstructured: [entry.remittanceUnstructured] } : {}),
        ...(entry.remittanceStructured
          ? { structured: [{ creditorReferenceInformation: { type: { code: 'SCOR' }, reference: entry.remittanceStructured } }] }
          : {}),
      },
      ...(entry.merchantCategoryCode ? { merchantCategoryCode: entry.merchantCategoryCode } : {}),
    };
  }

  api.get('/accounts/:accountResourceId/transactions', (req, res) => {
    const account = ownAccount(req, bearer(req, 'aisp'));
    const dateFrom = parseDay(req.query.dateFrom, 'dateFrom') ?? isoDate(new Date(now().getTime() - DEFAULT_HISTORY_DAYS * DAY_MS));
    // STET 1.5 §4.7: dateTo is exclusive.
    const dateTo = parseDay(req.query.dateTo, 'dateTo') ?? isoDate(new Date(now().getTime() + DAY_MS));
    if (dateFrom >= dateTo) throw new StetError(400, 'FORMAT_ERROR', 'dateFrom must be before dateTo');
    const page = req.query.page === undefined ? 0 : Number(req.query.page);
    if (!Number.isInteger(page) || page < 0) throw new StetError(400, 'FORMAT_ERROR', 'page is invalid');
    const matching = ledger.entries(account).filter((v) => v.date >= dateFrom && v.date < dateTo);
    const lastPage = Math.max(0, Math.ceil(matching.length / STET_PAGE_SIZE) - 1);
    const base = `${bankBase(req)}/accounts/${account.resourceId}`;
    const pageUrl = (index: number) => {
      const params = new URLSearchParams({ dateFrom, dateTo, page: String(index) });
      return `${base}/transactions?${params.toString()}`;
    };
    hal(res, 200, {
      transactions: matching.slice(page * STET_PAGE_SIZE, (page + 1) * STET_PAGE_SIZE).map(transactionJson),
      _links: {
        self: { href: pageUrl(page) },
        'parent-list': { href: `${bankBase(req)}/accounts` },
        balances: { href: `${base}/balances` },
        first: { href: pageUrl(0) },
        last: { href: pageUrl(lastPage) },
        ...(page > 0 ? { prev: { href: pageUrl(Math.min(page - 1, lastPage)) } } : {}),
        ...(page < lastPage ? { next: { href: pageUrl(page + 1) } } : {}),
      },
    });
  });

  function paymentStatus(payment: PaymentRequest): string {
    if (payment.status === 'ACSP' && payment.confirmedAt && now() >= ledger.settlementTime(payment.confirmedAt)) return 'ACSC';
    return payment.status;
  }

  function paymentJson(req: Request, payment: PaymentRequest) {
    const status = paymentStatus(payment);
    const transactions = (payment.body.creditTransferTransaction as Record<string, unknown>[]).map((t) => ({
      ...t,
      ...(status === 'RCVD' || status === 'ACCP' ? {} : { transactionStatus: status }),
    }));
    const base = `${bankBase(req)}/payment-requests/${payment.id}`;
    return {
      paymentRequest: {
        ...payment.body,
        resourceId: payment.id,
        ...(payment.debtorIban ? { debtorAccount: { iban: payment.debtorIban } } : {}),
        paymentInformationStatus: status,
        ...(status === 'RJCT' ? { statusReasonInformation: 'CUST' } : {}),
        creditTransferTransaction: transactions,
      },
      _links: {
        request: { href: base },
        confirmation: { href: `${base}/confirmation` },
      },
    };
  }

  function created(req: Request, res: Response, payment: PaymentRequest): void {
    res.set('Location', `${bankBase(req)}/payment-requests/${payment.id}`);
    hal(res, 201, {
      appliedAuthenticationApproach: 'REDIRECT',
      _links: { consentApproval: { href: `${bankBase(req)}/sca/payment-requests/${payment.id}` } },
    });
  }

  function amountOf(value: unknown): Decimal {
    // Parsed tolerantly: STET 1.5's schema says number, real STET banks send decimal strings.
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(text) || new Decimal(text).lte(0)) {
      throw new StetError(400, 'FORMAT_ERROR', 'instructedAmount.amount must be a positive amount with at most 2 decimals');
    }
    return new Decimal(text);
  }

  api.post('/payment-requests', (req, res) => {
    bearer(req, 'pisp');
    const requestId = req.get('X-Request-ID') as string;
    // Idempotent on X-Request-ID, as on the Berlin Group banks: a retried creation returns the first payment.
    const replayed = paymentsByRequestId.get(requestId);
    const existing = replayed ? payments.get(replayed) : undefined;
    if (existing) {
      created(req, res, existing);
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const transactions = body.creditTransferTransaction;
    if (!Array.isArray(transactions) || transactions.length !== 1) {
      throw new StetError(400, 'FORMAT_ERROR', 'exactly one creditTransferTransaction is supported');
    }
    const transaction = transactions[0] as Record<string, unknown>;
    const beneficiary = (transaction.beneficiary ?? body.beneficiary) as
      | { creditor?: { name?: string }; creditorAccount?: { iban?: string } }
      | undefined;
    const creditorIban = beneficiary?.creditorAccount?.iban?.replace(/\s+/g, '');
    if (!creditorIban || !isValidIBAN(creditorIban)) throw new StetError(400, 'FORMAT_ERROR', 'beneficiary.creditorAccount.iban is invalid');
    if (!beneficiary?.creditor?.name) throw new StetError(400, 'FORMAT_ERROR', 'beneficiary.creditor.name is required');
    const instructed = transaction.instructedAmount as { amount?: unknown; currency?: unknown } | undefined;
    if (instructed?.currency !== 'EUR') throw new StetError(400, 'FORMAT_ERROR', 'instructedAmount.currency must be EUR');
    const amount = amountOf(instructed.amount);
    const debtorIban = (body.debtorAccount as { iban?: string } | undefined)?.iban?.replace(/\s+/g, '');
    if (debtorIban) {
      const debtor = ledger.accountByIban(debtorIban);
      if (!debtor || debtor.bankSlug !== slug) throw new StetError(400, 'FORMAT_ERROR', 'debtorAccount is not an account of this bank');
    }
    const supplementary = (body.supplementaryData ?? {}) as { successfulReportUrl?: string; unsuccessfulReportUrl?: string };
    try {
      new URL(supplementary.successfulReportUrl ?? '');
    } catch {
      throw new StetError(400, 'FORMAT_ERROR', 'supplementaryData.successfulReportUrl must be an absolute URL (REDIRECT approach)');
    }
    const remittance = transaction.remittanceInformation as { unstructured?: string[] } | undefined;
    const payment: PaymentRequest = {
      id: randomUUID(),
      requestId,
      body,
      debtorIban,
      creditorIban,
      creditorName: beneficiary.creditor.name,
      amount,
      remittance: remittance?.unstructured?.join(' '),
      endToEndId: (transaction.paymentId as { endToEndId?: string } | undefined)?.endToEndId,
      successfulReportUrl: supplementary.successfulReportUrl as string,
      unsuccessfulReportUrl: supplementary.unsuccessfulReportUrl,
      status: 'RCVD',
    };
    payments.set(payment.id, payment);
    paymentsByRequestId.set(requestId, payment.id);
    created(req, res, payment);
  });

  function findPayment(id: string): PaymentRequest {
    const payment = payments.get(id);
    if (!payment) throw new StetError(404, 'NOT_FOUND', 'No such payment request');
    return payment;
  }

  api.get('/payment-requests/:paymentRequestResourceId', (req, res) => {
    bearer(req, 'pisp');
    hal(res, 200, paymentJson(req, findPayment(req.params.paymentRequestResourceId as string)));
  });

  /** STET 1.5 §5.4: after the PSU's consent at the bank, the PISP confirms and the bank executes the transfer. */
  api.post('/payment-requests/:paymentRequestResourceId/confirmation', (req, res) => {
    bearer(req, 'pisp');
    const payment = findPayment(req.params.paymentRequestResourceId as string);
    if (payment.status !== 'ACCP' && payment.status !== 'ACSP') {
      throw new StetError(409, 'CONFLICT', `The payment request is ${payment.status}, not approved by the PSU`);
    }
    if (payment.status === 'ACCP') {
      const debtor = ledger.accountByIban(payment.debtorIban as string) as SandboxAccount;
      const confirmedAt = now();
      payment.status = ledger.executeOrReject({
        debtor,
        creditorIban: payment.creditorIban,
        creditorName: payment.creditorName,
        amount: payment.amount,
        remittanceUnstructured: payment.remittance,
        endToEndId: payment.endToEndId,
        paymentId: payment.id,
        authorisedAt: confirmedAt,
      });
      if (payment.status === 'ACSP') payment.confirmedAt = confirmedAt;
    }
    hal(res, 200, paymentJson(req, payment));
  });

  function paymentDetails(payment: PaymentRequest): [string, string][] {
    return [
      ['Amount', decimalString(payment.amount)],
      ['Currency', 'EUR'],
      ['Payee', payment.creditorName],
      ['Payee IBAN', payment.creditorIban],
      ...(payment.debtorIban ? [['From account', payment.debtorIban] as [string, string]] : []),
      ...(payment.remittance ? [['Reference', payment.remittance] as [string, string]] : []),
    ];
  }

  router.use('/sca', express.urlencoded({ extended: false }));

  serveScaPage(router, bank.name, {
    path: '/sca/payment-requests/:id',
    find: (id) => payments.get(id),
    notFound: 'Unknown payment request.',
    title: 'Confirm this SEPA credit transfer',
    details: paymentDetails,
    openStatus: 'RCVD',
    noun: 'payment',
    onLocked: (payment) => {
      payment.status = 'RJCT';
    },
    onAuthenticated: (payment, { psu, decision }, res, page) => {
      // Only the payer decides: another customer of the bank may neither approve nor deny this payment.
      const own = ledger.accountsOf(slug, psu.id);
      const debtor = payment.debtorIban ? own.find((a) => a.iban === payment.debtorIban) : own.find((a) => a.kind === 'main');
      if (!debtor) {
        res.status(403).type('html').send(renderScaPage({ ...page, error: 'The debtor account is not held by this user.' }));
        return;
      }
      if (decision === 'deny') {
        payment.status = 'RJCT';
        res.redirect(302, withQuery(payment.unsuccessfulReportUrl ?? payment.successfulReportUrl, { paymentRequestResourceId: payment.id, error: 'access_denied' }));
        return;
      }
      payment.debtorIban = debtor.iban;
      payment.status = 'ACCP';
      res.redirect(302, withQuery(payment.successfulReportUrl, { paymentRequestResourceId: payment.id }));
    },
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof OAuthError) {
      res.status(err.status).json({ error: err.error, error_description: err.description });
      return;
    }
    if (err instanceof StetError) {
      if (err.status === 401) res.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${err.message}"`);
      hal(res, err.status, errorModel(err.status, err.error, err.message, req.path));
      return;
    }
    if (err instanceof SyntaxError) {
      hal(res, 400, errorModel(400, 'FORMAT_ERROR', 'The body is not valid JSON', req.path));
      return;
    }
    hal(res, 500, errorModel(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error', req.path));
  });

  return router;
}
