import type { NextFunction, Request, Response } from 'express';
import type { SandboxBank } from './banks';
import type { FaultSwitch } from './faults';
import type { Ledger } from './ledger';
import type { AccessCounter, RequestLog } from './request-log';

/** What one sandbox bank's router needs from the process: its identity, the shared ledger and the test knobs. */
export interface BankContext {
  bank: SandboxBank;
  ledger: Ledger;
  now: () => Date;
  faults: FaultSwitch;
  log: RequestLog;
  access: AccessCounter;
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
