import { DAY_MS } from '../../common/dates';
import { ProviderError, type ProviderBalance, type PsuContext } from '../../providers';
import type { Cache } from '../../pubsub/cache';
import type { Account } from '../accounts/account.entity';
import type { BankAccess, ConsentAccess } from '../connections/consent-access';
import type { Consent } from '../connections/consent.entity';
import { BalancesSource } from './balance.types';

/** One account's balances as a request sees them. */
export interface AccountBalances {
  balances: ProviderBalance[];
  source: BalancesSource;
  fetchedAt: Date;
}

export interface AccessBudgetState {
  remaining: number;
  perDay: number;
  resetsAt: Date;
}

interface CachedBalances {
  balances: ProviderBalance[];
  fetchedAt: string;
}

/**
 * Cached balances outlive the day they were read in, so that an account whose budget ran out late in the day (or a
 * bank that answers 429) still shows its last known balances, marked CACHED, rather than nothing.
 */
const CACHE_TTL_SECONDS = 2 * 86_400;

/**
 * Live balances within the PSD2 access budget.
 *
 * The rule (Berlin Group 1.3.x §6.3.1.1, PSD2 RTS art. 36(5)): a read without the user present (no `PSU-IP-Address`)
 * spends one of the consent's `frequencyPerDay` accesses for that account until the next UTC midnight; a read with the
 * user present spends nothing and is always live. To spread the unattended reads across the day instead of spending
 * them all in the morning, the day is cut into `frequencyPerDay` equal slots (00:00, 06:00, 12:00, 18:00 UTC for 4):
 * an unattended read is served from the cache when the cached balances were read in the current slot, and otherwise
 * spends one access and reads the bank. Any live read (present user included) refreshes the cache. Once the day's
 * budget is spent, unattended reads get the cache however old, or ACCESS_LIMIT_REACHED with `retryAt` at midnight.
 *
 * The access is counted before the call (an atomic counter shared by every replica): a bank may count a call that
 * then fails, and counting one too many only costs freshness while counting one too few costs a 429 from the bank.
 */
export class BalancesService {
  private readonly now: () => Date;

  constructor(private readonly deps: { consentAccess: ConsentAccess; messaging: Cache; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * The balances of accounts, in the order given, with an error in the slot of an account that failed: one query for
   * every connection's consent, then at most one `getBalances` call per bank, and none where the consent is not live.
   */
  async readAccounts(accounts: readonly Account[], psu: PsuContext): Promise<Array<AccountBalances | Error>> {
    const groups = new Map<string, number[]>();
    accounts.forEach((account, index) =>
      groups.set(account.connectionId, [...(groups.get(account.connectionId) ?? []), index]),
    );
    if (groups.size === 0) return [];
    const [accesses, cached] = await Promise.all([
      this.deps.consentAccess.forConnections([...groups.keys()]),
      this.cached(accounts),
    ]);
    const results = new Array<AccountBalances | Error>(accounts.length);
    await Promise.all(
      [...groups].map(async ([connectionId, indexes]) => {
        const group = indexes.map((index) => ({ account: accounts[index]!, cached: cached[index] }));
        const access = accesses.get(connectionId) as BankAccess | Error;
        const read =
          access instanceof Error
            ? group.map(() => access)
            : await this.readUnder(access, group, psu).catch((error: Error) => group.map(() => error));
        indexes.forEach((index, position) => (results[index] = read[position]!));
      }),
    );
    return results;
  }

  /** One connection's accounts, with their cached balances, under its live consent. */
  private async readUnder(
    access: BankAccess,
    group: ReadonlyArray<{ account: Account; cached: AccountBalances | undefined }>,
    psu: PsuContext,
  ): Promise<Array<AccountBalances | Error>> {
    const { consent, institution, adapter } = access;
    const now = this.now();
    const accounts = group.map((entry) => entry.account);
    const cached = group.map((entry) => entry.cached);
    const results: Array<AccountBalances | Error | undefined> = accounts.map(() => undefined);
    const live: number[] = [];

    await Promise.all(
      accounts.map(async (account, index) => {
        const entry = cached[index];
        if (psu.ipAddress) {
          live.push(index);
        } else if (entry && entry.fetchedAt >= slotStart(now, consent.frequencyPerDay)) {
          results[index] = entry;
        } else if (await this.spend(consent, account.id, now)) {
          live.push(index);
        } else {
          results[index] =
            entry ??
            new ProviderError(
              'ACCESS_LIMIT_REACHED',
              `the ${consent.frequencyPerDay} unattended reads of today at ${institution.name} are spent`,
              {
                institutionId: institution.id,
                retryAt: nextUtcMidnight(now),
              },
            );
        }
      }),
    );

    if (live.length > 0) {
      live.sort((a, b) => a - b);
      const read = await adapter.getBalances(
        access.handle,
        live.map((index) => accounts[index]!.providerAccountId),
        psu,
      );
      await Promise.all(
        live.map(async (index) => {
          const account = accounts[index]!;
          const outcome = read.get(account.providerAccountId);
          if (outcome === undefined) {
            results[index] = new ProviderError(
              'NOT_FOUND',
              `${institution.name} returned nothing for account ${account.id}`,
              { institutionId: institution.id },
            );
          } else if (outcome instanceof Error) {
            // The bank's own limit (429) still leaves the last known balances worth showing to an unattended reader.
            results[index] =
              outcome.code === 'ACCESS_LIMIT_REACHED' && !psu.ipAddress && cached[index] ? cached[index] : outcome;
          } else {
            results[index] = { balances: outcome, source: BalancesSource.LIVE, fetchedAt: now };
            await this.deps.messaging.cacheSet(
              cacheKey(account.id),
              JSON.stringify({ balances: outcome, fetchedAt: now.toISOString() }),
              CACHE_TTL_SECONDS,
            );
          }
        }),
      );
    }
    return results.map((result) => result!);
  }

  /** What is left of today's unattended budget for an account under its live consent. */
  async budget(consent: Consent, accountId: string): Promise<AccessBudgetState> {
    const now = this.now();
    const used = Number((await this.deps.messaging.cacheGet(budgetKey(consent.id, accountId, now))) ?? 0);
    return {
      remaining: Math.max(0, consent.frequencyPerDay - used),
      perDay: consent.frequencyPerDay,
      resetsAt: nextUtcMidnight(now),
    };
  }

  /** The accounts' last known balances, read in one round trip. */
  private async cached(accounts: readonly Account[]): Promise<Array<AccountBalances | undefined>> {
    const raws = await this.deps.messaging.cacheGetMany(accounts.map((account) => cacheKey(account.id)));
    return raws.map((raw) => {
      if (!raw) return undefined;
      const entry = JSON.parse(raw) as CachedBalances;
      return { balances: entry.balances, source: BalancesSource.CACHED, fetchedAt: new Date(entry.fetchedAt) };
    });
  }

  /** Spends one unattended access; false when today's were all spent. */
  private async spend(consent: Consent, accountId: string, now: Date): Promise<boolean> {
    const secondsToMidnight = Math.ceil((nextUtcMidnight(now).getTime() - now.getTime()) / 1000);
    // A minute past midnight, so a counter read just before midnight never vanishes between the read and its use.
    const used = await this.deps.messaging.cacheIncrement(
      budgetKey(consent.id, accountId, now),
      secondsToMidnight + 60,
    );
    return used <= consent.frequencyPerDay;
  }
}

/** Per account, not per consent: balances read under an earlier consent of the same account are still its balances. */
function cacheKey(accountId: string): string {
  return `balances:latest:${accountId}`;
}

/** Per consent: a renewed consent is a new consent at the bank, with its own daily budget. */
function budgetKey(consentId: string, accountId: string, now: Date): string {
  return `balances:budget:${consentId}:${accountId}:${now.toISOString().slice(0, 10)}`;
}

function nextUtcMidnight(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
}

function slotStart(now: Date, frequencyPerDay: number): Date {
  const midnight = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const slot = DAY_MS / Math.max(1, frequencyPerDay);
  return new Date(midnight + Math.floor((now.getTime() - midnight) / slot) * slot);
}
