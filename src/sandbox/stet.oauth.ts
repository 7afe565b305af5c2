import { randomUUID } from 'node:crypto';
import type { RequestHandler, Request, Response, Router } from 'express';
import { type BankConsents, type ConsentEnding, bankBase } from './bank-context';
import { LOCKED_MESSAGE, readScaForm, renderScaPage, withQuery } from './sca-page';
import { DAY_MS, isoDate } from './seed-data';
import {
  ACCESS_TOKEN_SECONDS,
  CODE_LIFETIME_MS,
  DEFAULT_HISTORY_DAYS,
  type AuthorizationCode,
  type Grant,
  OAuthError,
  type PaymentRequest,
  type Scope,
  type StetBank,
  StetError,
  parseDay,
  token,
} from './stet.shared';

/** OAuth2 at the STET bank (RFC 6749 §4.1 authorization code, §4.4 client credentials, §6 refresh; RFC 7009 revocation). */

/** The grant's state now: validity runs out, and the bank may have expired or revoked it (fault knobs). */
export function refreshGrant(st: StetBank, grant: Grant): Grant {
  const { now, faults } = st.ctx;
  const { slug } = st;
  if (grant.status !== 'active') return grant;
  const f = faults.get(slug);
  if (f.consentRevoked) grant.status = 'revoked';
  else if (f.consentExpired || now() > grant.validUntil) grant.status = 'expired';
  return grant;
}

/** Every grant the PSUs gave, for the control API: those behind tokens and those still behind a code. */
export function grants(st: StetBank): Set<Grant> {
  const { codes, accessTokens, refreshTokens } = st;
  return new Set([
    ...refreshTokens.values(),
    ...[...accessTokens.values()].map((t) => t.grant),
    ...[...codes.values()].map((c) => c.grant),
  ]);
}

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

function readAuthorize(st: StetBank, source: Record<string, unknown>): AuthorizeRequest {
  const { bank, now } = st.ctx;
  const get = (name: string) => (typeof source[name] === 'string' ? (source[name] as string) : '');
  if (get('response_type') !== 'code')
    throw new StetError(400, 'unsupported_response_type', 'response_type must be code');
  if (!get('client_id')) throw new StetError(400, 'invalid_request', 'client_id is required');
  // RFC 6749 §4.1.2.1: with an unknown client or redirect URI the bank must not redirect, only tell the user.
  if (!st.ctx.oauthClients.isRegistered(get('client_id')))
    throw new StetError(400, 'unauthorized_client', 'client_id is not registered at this bank');
  if (!st.ctx.oauthClients.allows(get('client_id'), get('redirect_uri'))) {
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
  if (!Number.isInteger(askedHistory) || askedHistory < 1)
    throw new StetError(400, 'invalid_request', 'history_days must be a positive integer');
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

function authorizePage(st: StetBank, req: Request, request: AuthorizeRequest, error?: string): string {
  const { bank, now } = st.ctx;
  const days = Math.round(
    (Date.parse(`${request.validUntil}T00:00:00Z`) - Date.parse(`${isoDate(now())}T00:00:00Z`)) / DAY_MS,
  );
  const aisp = request.scope === 'aisp';
  return renderScaPage({
    bankName: bank.name,
    title: aisp ? 'Authorise access to your accounts' : 'Authorise payment initiation',
    action: `${bankBase(req)}/oauth/authorize`,
    details: [
      ['Third party', request.clientId],
      [
        'Access',
        aisp ? 'Accounts, balances and transactions of all accounts (aisp)' : 'Confirm payments you initiate (pisp)',
      ],
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

function showAuthorizePage(st: StetBank, req: Request, res: Response): void {
  const request = readAuthorize(st, req.query as Record<string, unknown>);
  res.type('html').send(authorizePage(st, req, request));
}

function submitAuthorizePage(st: StetBank, req: Request, res: Response): void {
  const { now } = st.ctx;
  const { codes, attempts } = st;
  const body = req.body as Record<string, unknown>;
  const request = readAuthorize(st, body);
  const attempt = `${request.clientId}|${request.redirectUri}|${request.state}`;
  if (attempts.locked(attempt)) {
    res
      .status(423)
      .type('html')
      .send(authorizePage(st, req, request, LOCKED_MESSAGE));
    return;
  }
  const submission = readScaForm(body);
  if (!submission.psu) {
    const lockedNow = attempts.fail(attempt);
    res
      .status(lockedNow ? 423 : 401)
      .type('html')
      .send(authorizePage(st, req, request, lockedNow ? LOCKED_MESSAGE : submission.error));
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
  codes.set(code, {
    grant,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    expiresAt: new Date(now().getTime() + CODE_LIFETIME_MS),
  });
  res.redirect(302, withQuery(request.redirectUri, { code, ...stateParam }));
}

function issue(st: StetBank, grant: Grant, withRefresh: boolean) {
  const { now } = st.ctx;
  const { accessTokens, refreshTokens } = st;
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

function tokenEndpoint(st: StetBank, req: Request, res: Response): void {
  const { now } = st.ctx;
  const { codes, refreshTokens } = st;
  const body = (req.body ?? {}) as Record<string, string | undefined>;
  res.set('Cache-Control', 'no-store');
  switch (body.grant_type) {
    case 'authorization_code': {
      const code = body.code ? codes.get(body.code) : undefined;
      if (body.code) codes.delete(body.code);
      if (!code || code.expiresAt < now()) throw new OAuthError(400, 'invalid_grant', 'unknown, used or expired code');
      if (code.redirectUri !== body.redirect_uri)
        throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match');
      if (body.client_id && body.client_id !== code.clientId)
        throw new OAuthError(400, 'invalid_grant', 'code was issued to another client');
      res.json(issue(st, code.grant, true));
      return;
    }
    case 'refresh_token': {
      const grant = body.refresh_token ? refreshTokens.get(body.refresh_token) : undefined;
      if (!grant) throw new OAuthError(400, 'invalid_grant', 'unknown refresh token');
      const state = refreshGrant(st, grant).status;
      if (state !== 'active')
        throw new OAuthError(
          400,
          'invalid_grant',
          state === 'revoked' ? 'access revoked by the PSU' : 'consent expired',
        );
      res.json(issue(st, grant, false));
      return;
    }
    case 'client_credentials': {
      if (!body.client_id) throw new OAuthError(401, 'invalid_client', 'client_id is required');
      const grant: Grant = {
        id: randomUUID(),
        scope: 'pisp',
        validUntil: new Date(now().getTime() + DAY_MS),
        status: 'active',
      };
      res.json(issue(st, grant, false));
      return;
    }
    default:
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        'grant_type must be authorization_code, refresh_token or client_credentials',
      );
  }
}

/** RFC 7009: the TPP revokes what the PSU granted; both the access and the refresh token stop working. */
function revokeToken(st: StetBank, req: Request, res: Response): void {
  const { accessTokens, refreshTokens } = st;
  const value = (req.body as Record<string, string | undefined>).token ?? '';
  const grant = accessTokens.get(value)?.grant ?? refreshTokens.get(value);
  if (grant) grant.status = 'revoked';
  res.status(200).end();
}

export function bearer(st: StetBank, req: Request, scope: Scope): Grant {
  const { now } = st.ctx;
  const { accessTokens } = st;
  const value = req.get('Authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  const found = value ? accessTokens.get(value) : undefined;
  if (!found) throw new StetError(401, 'invalid_token', 'Unknown access token');
  const grant = refreshGrant(st, found.grant);
  if (grant.status === 'revoked') throw new StetError(401, 'invalid_token', 'Access revoked by the PSU at the bank');
  if (grant.status === 'expired') throw new StetError(401, 'invalid_token', 'The consent behind this token expired');
  if (found.expiresAt <= now()) throw new StetError(401, 'invalid_token', 'The access token expired');
  if (grant.scope !== scope) throw new StetError(403, 'insufficient_scope', `This resource needs the ${scope} scope`);
  return grant;
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

/** Grants, tokens, codes and payments survive a restart through the sandbox state file. */
export function keepState(st: StetBank): void {
  const { ctx, slug, codes, accessTokens, refreshTokens, payments, paymentsByRequestId } = st;
  ctx.state.register(slug, {
    snapshot: (): SavedStet => ({
      grants: [...grants(st)],
      codes: [...codes].map(([code, issued]) => [code, { ...issued, grant: issued.grant.id }]),
      accessTokens: [...accessTokens].map(([value, issued]) => [
        value,
        { grant: issued.grant.id, expiresAt: issued.expiresAt },
      ]),
      refreshTokens: [...refreshTokens].map(([value, grant]) => [value, grant.id]),
      payments,
      paymentsByRequestId,
    }),
    restore: (data) => {
      const saved = data as SavedStet;
      const byId = new Map(saved.grants.map((grant) => [grant.id, grant]));
      for (const [code, issued] of saved.codes) codes.set(code, { ...issued, grant: byId.get(issued.grant) as Grant });
      for (const [value, issued] of saved.accessTokens)
        accessTokens.set(value, { ...issued, grant: byId.get(issued.grant) as Grant });
      for (const [value, grantId] of saved.refreshTokens) refreshTokens.set(value, byId.get(grantId) as Grant);
      for (const [id, payment] of saved.payments) payments.set(id, payment);
      for (const [requestId, id] of saved.paymentsByRequestId) paymentsByRequestId.set(requestId, id);
    },
  });
}

/** What the control API may do to this bank's grants. */
export function grantControl(st: StetBank): BankConsents {
  const endGrant = (grant: Grant | undefined, how: ConsentEnding): boolean => {
    if (!grant || refreshGrant(st, grant).status !== 'active') return false;
    grant.status = how;
    return true;
  };
  return {
    end: (id, how) => endGrant(st.accessTokens.get(id)?.grant ?? st.refreshTokens.get(id), how),
    endAllOf: (psuId, how) => [...grants(st)].filter((g) => g.psuId === psuId && endGrant(g, how)).length,
  };
}

export function oauthRoutes(router: Router, st: StetBank, faulty: RequestHandler): void {
  router.get('/oauth/authorize', (req, res) => showAuthorizePage(st, req, res));
  router.post('/oauth/authorize', (req, res) => submitAuthorizePage(st, req, res));
  router.post('/oauth/token', faulty, (req, res) => tokenEndpoint(st, req, res));
  router.post('/oauth/revoke', (req, res) => revokeToken(st, req, res));
}
