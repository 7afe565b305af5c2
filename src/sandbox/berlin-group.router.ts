import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { type BankContext, bankRouter } from './bank-context';
import { accountRoutes } from './berlin-group.accounts';
import { consentControl, consentRoutes, serveConsentScaPage } from './berlin-group.consents';
import { paymentRoutes, servePaymentScaPage } from './berlin-group.payments';
import { type BgBank, BgError, type Consent, type Payment, errorBody, tppMessages } from './berlin-group.shared';
import { apiFaults } from './faults';

/**
 * A bank speaking Berlin Group NextGenPSD2 XS2A 1.3.x (specs/berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml) with
 * the redirect SCA approach. Each resource lives in its own file: consents, accounts, payments.
 */
export function berlinGroupBank(ctx: BankContext): Router {
  const bg: BgBank = {
    ctx,
    slug: ctx.bank.slug,
    consents: new Map(),
    payments: new Map(),
    paymentsByRequestId: new Map(),
  };
  const router = bankRouter(ctx);
  const api = express.Router();
  router.use('/v1', apiFaults(ctx.faults, bg.slug, errorBody), express.json(), api);
  router.use('/sca', express.urlencoded({ extended: false }));
  keepState(bg);
  ctx.consents.set(bg.slug, consentControl(bg));

  api.use((req, _res, next) => {
    if (!req.get('X-Request-ID')) throw new BgError(400, 'FORMAT_ERROR', 'X-Request-ID header is required');
    next();
  });
  consentRoutes(api, bg);
  accountRoutes(api, bg);
  paymentRoutes(api, bg);
  serveConsentScaPage(router, bg);
  servePaymentScaPage(router, bg);

  router.use('/v1', (_req: Request, _res: Response, next: NextFunction) => {
    next(new BgError(404, 'RESOURCE_UNKNOWN', 'No such endpoint'));
  });
  router.use(berlinGroupErrors);
  return router;
}

/** Consents and payments survive a restart through the sandbox state file. */
function keepState({ ctx, slug, consents, payments, paymentsByRequestId }: BgBank): void {
  ctx.state.register(slug, {
    snapshot: () => ({ consents, payments, paymentsByRequestId }),
    restore: (data) => {
      const saved = data as {
        consents: Map<string, Consent>;
        payments: Map<string, Payment>;
        paymentsByRequestId: Map<string, string>;
      };
      for (const [id, consent] of saved.consents) consents.set(id, consent);
      for (const [id, payment] of saved.payments) payments.set(id, payment);
      for (const [requestId, id] of saved.paymentsByRequestId) paymentsByRequestId.set(requestId, id);
    },
  });
}

function berlinGroupErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof BgError) {
    res.status(err.status).set(err.headers).json(tppMessages(err.code, err.message));
    return;
  }
  if (err instanceof SyntaxError) {
    res.status(400).json(tppMessages('FORMAT_ERROR', 'The body is not valid JSON'));
    return;
  }
  res.status(500).end();
}
