import DataLoader from 'dataloader';
import type { GatewayContext } from '../../server/context';
import { requestScoped } from '../../server/request-scoped';
import type { Account } from '../accounts/account.entity';
import type { AccountBalances, BalancesService } from '../balances/balances.service';
import type { DataSharesService, ShareLender } from './data-shares.service';

const SHARED_BALANCES = Symbol('sharedBalancesByAccount');
const LENDERS = Symbol('lenderById');

/**
 * Balances of shared accounts, for the lender, whose own loaders act for no owner. Keys are accounts the share
 * service already returned for a share the caller may read; like the owner's loader, one bank call per connection
 * for the whole request, with a failing bank's error only in its own accounts' slots. The lender is never present
 * at the owner's bank, so these reads count against the unattended budget (and are served from its cache).
 */
export function sharedBalancesLoader(
  context: GatewayContext,
  balances: BalancesService,
): DataLoader<Account, AccountBalances, string> {
  return requestScoped(
    context,
    SHARED_BALANCES,
    () =>
      new DataLoader<Account, AccountBalances, string>(async (accounts) => balances.readAccounts(accounts, {}), {
        cacheKeyFn: (account) => account.id,
      }),
  );
}

/** The lenders of the shares a request lists, in one query. */
export function lenderLoader(context: GatewayContext, shares: DataSharesService): DataLoader<string, ShareLender> {
  return requestScoped(context, LENDERS, () => new DataLoader<string, ShareLender>((ids) => shares.lenders(ids)));
}
