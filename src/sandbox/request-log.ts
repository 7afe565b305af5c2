import type { NextFunction, Request, Response } from 'express';
import type { SandboxBankSlug } from './banks';

export interface RequestRecord {
  at: Date;
  method: string;
  /** Path inside the bank, e.g. `/v1/accounts`, without the query. */
  path: string;
  /** Berlin Group `Consent-ID` header, when sent. */
  consentId?: string;
  /** OAuth2 bearer token (STET), when sent. */
  bearerToken?: string;
  /** Whether `PSU-IP-Address` was present, i.e. whether the TPP said the PSU is there. */
  psuIpAddress: boolean;
  /** The answer's status, once sent. */
  status?: number;
}

/** Every request each bank received, in order, so a test can prove what did (or did not) reach a bank. */
export class RequestLog {
  private readonly records = new Map<SandboxBankSlug, RequestRecord[]>();

  list(slug: SandboxBankSlug): RequestRecord[] {
    return [...(this.records.get(slug) ?? [])];
  }

  clear(): void {
    this.records.clear();
  }

  middleware(slug: SandboxBankSlug, now: () => Date) {
    return (req: Request, res: Response, next: NextFunction): void => {
      const authorization = req.get('Authorization');
      const record: RequestRecord = {
        at: now(),
        method: req.method,
        path: req.path,
        consentId: req.get('Consent-ID') ?? undefined,
        bearerToken: authorization?.match(/^Bearer\s+(.+)$/i)?.[1],
        psuIpAddress: req.get('PSU-IP-Address') !== undefined,
      };
      const list = this.records.get(slug) ?? [];
      list.push(record);
      this.records.set(slug, list);
      res.on('finish', () => {
        record.status = res.statusCode;
      });
      next();
    };
  }
}

/** Unattended accesses per consent, account, resource and UTC day (PSD2 RTS art. 36(5)). */
export class AccessCounter {
  private readonly counts = new Map<string, number>();

  /** Counts one access; false when the limit was already reached and this access must be refused. */
  tryAccess(
    key: { bank: string; consent: string; account: string; resource: string; day: string },
    limit: number,
  ): boolean {
    const id = `${key.bank}|${key.consent}|${key.account}|${key.resource}|${key.day}`;
    const used = this.counts.get(id) ?? 0;
    if (used >= limit) return false;
    this.counts.set(id, used + 1);
    return true;
  }

  reset(): void {
    this.counts.clear();
  }
}
