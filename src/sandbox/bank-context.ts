import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { SandboxBank, SandboxBankSlug } from './banks';
import { type FaultSwitch, latency } from './faults';
import type { Ledger } from './ledger';
import type { OAuthClients } from './oauth-clients';
import type { AccessCounter, RequestLog } from './request-log';
import type { SandboxState } from './sandbox-state';

/** How the control API ends a consent at the bank, as the PSU or the bank itself would. */
export type ConsentEnding = 'expired' | 'revoked';

/** What each bank lets the control API do to its consents (STET: the grants behind its tokens). */
export interface BankConsents {
  /** Ends one live consent: a Berlin Group consent id, or a STET access or refresh token. False when none is live. */
  end(id: string, ending: ConsentEnding): boolean;
  /** Ends every live consent a PSU gave at this bank; returns how many. */
  endAllOf(psuId: string, ending: ConsentEnding): number;
}

/** What one sandbox bank's router needs from the process: its identity, the shared ledger and the test knobs. */
export interface BankContext {
  bank: SandboxBank;
  ledger: Ledger;
  now: () => Date;
  faults: FaultSwitch;
  log: RequestLog;
  access: AccessCounter;
  /** OAuth2 clients and their redirect URIs (the STET bank's authorization endpoint). */
  oauthClients: OAuthClients;
  /** Where the bank keeps what a restart must not forget. */
  state: SandboxState;
  /** Where the bank registers its consent handle for the control API. */
  consents: Map<SandboxBankSlug, BankConsents>;
}

/**
 * Records the bank's absolute base URL as the client reached it (protocol, host, mount path), before any sub-router
 * changes `req.baseUrl`: every link and redirect the bank emits is built from it, never hard-coded.
 */
export function recordBankBase(req: Request, res: Response, next: NextFunction): void {
  res.locals.bankBase = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
  next();
}

export function bankBase(req: Request): string {
  return (req.res as Response).locals.bankBase as string;
}

/**
 * A bank's router with what every sandbox bank does first: log the request, apply the latency knob, record the base
 * URL, and echo `X-Request-ID` as both standards require.
 */
export function bankRouter({ bank, log, now, faults }: BankContext): Router {
  const router = express.Router();
  router.use(log.middleware(bank.slug, now));
  router.use(latency(faults, bank.slug));
  router.use(recordBankBase);
  router.use((req, res, next) => {
    const requestId = req.get('X-Request-ID');
    if (requestId) res.set('X-Request-ID', requestId);
    next();
  });
  return router;
}
