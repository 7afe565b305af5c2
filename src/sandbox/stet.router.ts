import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { type BankContext, bankRouter } from './bank-context';
import { apiFaults } from './faults';
import { ScaAttempts } from './sca-page';
import { accountRoutes, hal } from './stet.accounts';
import { grantControl, keepState, oauthRoutes } from './stet.oauth';
import { paymentRoutes, servePaymentScaPage } from './stet.payments';
import { HAL_JSON, OAuthError, type StetBank, StetError, errorModel } from './stet.shared';

/**
 * A bank speaking the STET PSD2 API 1.5 (specs/stet/stet-ais-pis-1.5.0.json). STET leaves the OAuth2 endpoints to
 * each bank; this one fixes them as `{base}/oauth/authorize` (authorization code with redirect SCA) and
 * `{base}/oauth/token` (authorization_code, refresh_token, client_credentials), errors as RFC 6749 §5.2. Each
 * resource lives in its own file: OAuth2, accounts, payment requests.
 */
export function stetBank(ctx: BankContext): Router {
  const st: StetBank = {
    ctx,
    slug: ctx.bank.slug,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    payments: new Map(),
    paymentsByRequestId: new Map(),
    attempts: new ScaAttempts(),
  };
  const router = bankRouter(ctx);
  const faulty = apiFaults(ctx.faults, st.slug, (status, code) => errorModel(status, code, 'Sandbox fault'), HAL_JSON);
  keepState(st);
  ctx.consents.set(st.slug, grantControl(st));

  router.use('/oauth', express.urlencoded({ extended: false }));
  oauthRoutes(router, st, faulty);

  const api = express.Router();
  router.use(['/accounts', '/payment-requests'], faulty, express.json());
  router.use(api);
  api.use(['/accounts', '/payment-requests'], (req, _res, next) => {
    if (!req.get('X-Request-ID')) throw new StetError(400, 'FORMAT_ERROR', 'X-Request-ID header is required');
    next();
  });
  accountRoutes(api, st);
  paymentRoutes(api, st);

  router.use('/sca', express.urlencoded({ extended: false }));
  servePaymentScaPage(router, st);
  router.use(stetErrors);
  return router;
}

function stetErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof OAuthError) {
    res.status(err.status).json({ error: err.error, error_description: err.description });
    return;
  }
  if (err instanceof StetError) {
    if (err.status === 401)
      res.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${err.message}"`);
    hal(res, err.status, errorModel(err.status, err.error, err.message, req.path));
    return;
  }
  if (err instanceof SyntaxError) {
    hal(res, 400, errorModel(400, 'FORMAT_ERROR', 'The body is not valid JSON', req.path));
    return;
  }
  hal(res, 500, errorModel(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error', req.path));
}
