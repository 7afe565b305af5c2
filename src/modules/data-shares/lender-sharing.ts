import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { JobRunner } from '../../jobs';
import type { TokenCipher } from '../../security/token-cipher';
import type { BalancesService } from '../balances/balances.service';
import { CashflowResolver } from '../cashflow/cashflow.resolver';
import { CashflowService } from '../cashflow/cashflow.service';
import { CategoriesResolver } from '../categories/categories.resolver';
import { CategoriesService } from '../categories/categories.service';
import type { EventsService } from '../events/events.service';
import { ApiKeysResolver } from '../principals/api-keys.resolver';
import type { PrincipalsService } from '../principals/principals.service';
import { jwksRouter } from '../signing/jwks.router';
import { SigningService } from '../signing/signing.service';
import type { TransactionsService } from '../transactions/transactions.service';
import { DataSharesResolver, SharedAccountResolver, SharedHistoryResolver } from './data-shares.resolver';
import { DataSharesService } from './data-shares.service';
import { SharedHistoryService } from './shared-history.service';

export const LENDER_SHARING_RESOLVERS = [
  DataSharesResolver,
  SharedHistoryResolver,
  SharedAccountResolver,
  CategoriesResolver,
  CashflowResolver,
  ApiKeysResolver,
] as const;

const EXPIRY_JOB = 'data-share-expiry';

export interface LenderSharing {
  /** The one instance of each of LENDER_SHARING_RESOLVERS. */
  resolverFor(type: (typeof LENDER_SHARING_RESOLVERS)[number]): object;
  /** `/.well-known/jwks.json`. */
  router: Router;
  shares: DataSharesService;
  signing: SigningService;
  /** Schedules the announcement of expired shares to their lenders. */
  schedule(everyMs: number): Promise<void>;
}

/**
 * Everything the lender's side and the owner's grant need, built once per gateway: shares, categories, the cash
 * flow, signing (its first key made here, on first start) and API key management.
 */
export async function createLenderSharing(deps: {
  dataSource: DataSource;
  events: EventsService;
  transactions: TransactionsService;
  balances: BalancesService;
  principals: PrincipalsService;
  cipher: TokenCipher;
  jobs: JobRunner;
  now: () => Date;
}): Promise<LenderSharing> {
  const signing = new SigningService({ dataSource: deps.dataSource, cipher: deps.cipher, now: deps.now });
  await signing.ensureKey();
  const categories = new CategoriesService(deps.dataSource);
  const shares = new DataSharesService({
    dataSource: deps.dataSource,
    events: deps.events,
    transactions: deps.transactions,
    now: deps.now,
  });
  const cashflow = new CashflowService({ dataSource: deps.dataSource, categories, now: deps.now });
  const history = new SharedHistoryService({ dataSource: deps.dataSource, shares, cashflow, signing });
  const resolverDeps = { shares, history, balances: deps.balances };
  deps.jobs.register(
    EXPIRY_JOB,
    async () => {
      await shares.announceExpiries();
    },
    { exclusiveKey: () => EXPIRY_JOB },
  );
  const resolvers = new Map<unknown, object>([
    [DataSharesResolver, new DataSharesResolver(resolverDeps)],
    [SharedHistoryResolver, new SharedHistoryResolver(resolverDeps)],
    [SharedAccountResolver, new SharedAccountResolver(resolverDeps)],
    [CategoriesResolver, new CategoriesResolver(categories)],
    [CashflowResolver, new CashflowResolver(cashflow)],
    [ApiKeysResolver, new ApiKeysResolver(deps.principals)],
  ]);
  return {
    resolverFor: (type) => resolvers.get(type)!,
    router: jwksRouter(signing),
    shares,
    signing,
    schedule: (everyMs) => deps.jobs.repeat(EXPIRY_JOB, {}, { everyMs }),
  };
}
