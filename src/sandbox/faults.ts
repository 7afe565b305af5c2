import type { NextFunction, Request, Response } from 'express';
import type { SandboxBankSlug } from './banks';

/** `'always'`, or how many of the next requests the fault hits. */
export type FaultCount = 'always' | number;

/** What can go wrong at a sandbox bank. Every field is off when absent. */
export interface BankFaults {
  /** Added before every answer, pages included. */
  latencyMs?: number;
  /** Answer API calls with a server error. */
  serverError?: FaultCount;
  /** The status `serverError` answers with (default 503). */
  serverErrorStatus?: 500 | 502 | 503 | 504;
  /** Answer API calls with 429 and a `Retry-After` header in seconds. */
  tooManyRequests?: { count: FaultCount; retryAfterSeconds: number };
  /** Cut JSON bodies in half, keeping status and headers, as a dropped connection behind a proxy would. */
  truncatedJson?: FaultCount;
  /** Every authorised consent (or token) at the bank turns expired, and stays so. */
  consentExpired?: boolean;
  /** Every authorised consent (or token) at the bank is revoked by the PSU at the bank, and stays so. */
  consentRevoked?: boolean;
}

export type SandboxFaults = Partial<Record<SandboxBankSlug, BankFaults>>;

type CountedFault = 'serverError' | 'tooManyRequests' | 'truncatedJson';

/** The fault settings of every bank: a baseline from the options, overridden per test through the control API. */
export class FaultSwitch {
  private current: SandboxFaults;

  constructor(private readonly baseline: SandboxFaults = {}) {
    this.current = structuredClone(baseline);
  }

  get(slug: SandboxBankSlug): BankFaults {
    return this.current[slug] ?? {};
  }

  set(slug: SandboxBankSlug, faults: BankFaults): void {
    this.current[slug] = structuredClone(faults);
  }

  reset(): void {
    this.current = structuredClone(this.baseline);
  }

  /** Returns one bank to its baseline, leaving the others as they are. */
  resetBank(slug: SandboxBankSlug): void {
    const baseline = this.baseline[slug];
    if (baseline) this.current[slug] = structuredClone(baseline);
    else delete this.current[slug];
  }

  /** Whether the fault hits this request; a counted fault is used up by it. */
  take(slug: SandboxBankSlug, fault: CountedFault): boolean {
    const faults = this.current[slug];
    if (!faults) return false;
    const setting = faults[fault];
    if (setting === undefined) return false;
    const count = typeof setting === 'object' ? setting.count : setting;
    if (count === 'always') return true;
    if (count <= 0) return false;
    if (typeof setting === 'object') setting.count = count - 1;
    else if (fault !== 'tooManyRequests') faults[fault] = count - 1;
    return true;
  }
}

export function latency(faults: FaultSwitch, slug: SandboxBankSlug) {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    const ms = faults.get(slug).latencyMs ?? 0;
    if (ms > 0) setTimeout(next, ms);
    else next();
  };
}

/**
 * Server errors, rate limiting and truncated bodies for the API routes. `errorBody` shapes the standard's error
 * payload (undefined for a status whose spec defines no body).
 */
export function apiFaults(
  faults: FaultSwitch,
  slug: SandboxBankSlug,
  errorBody: (status: number, code: string) => unknown,
  contentType = 'application/json',
) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (faults.take(slug, 'serverError')) {
      const status = faults.get(slug).serverErrorStatus ?? 503;
      const body = errorBody(status, status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR');
      res.status(status);
      if (body === undefined) res.end();
      else res.type(contentType).json(body);
      return;
    }
    const rateLimit = faults.get(slug).tooManyRequests;
    if (rateLimit && faults.take(slug, 'tooManyRequests')) {
      res.status(429).set('Retry-After', String(rateLimit.retryAfterSeconds));
      const body = errorBody(429, 'ACCESS_EXCEEDED');
      if (body === undefined) res.end();
      else res.type(contentType).json(body);
      return;
    }
    if (faults.take(slug, 'truncatedJson')) {
      res.json = function truncated(this: Response, body: unknown): Response {
        const text = JSON.stringify(body);
        if (!this.get('Content-Type')) this.type(contentType);
        return this.send(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      };
    }
    next();
  };
}
