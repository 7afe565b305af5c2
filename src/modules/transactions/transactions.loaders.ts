import DataLoader from 'dataloader';
import type { Connection } from '../../common/relay';
import type { Account } from '../accounts/account.entity';
import type { Transaction } from './transaction.entity';
import type { TransactionQuery, TransactionsService } from './transactions.service';

type PageArgs = Omit<TransactionQuery, 'accountIds'>;
type PageKey = { account: Account; args: PageArgs };
type PageLoader = DataLoader<PageKey, Connection<Transaction>, string>;

/**
 * Per request: the loader lives as long as the request's own loaders object (a subscription event renews that
 * object, and so gets a fresh loader), so no page is ever served to another request.
 */
const loadersByRequest = new WeakMap<object, PageLoader>();

/** `Account.transactions` of every account a request resolves, batched per set of arguments. */
export function accountTransactionPages(requestLoaders: object, service: TransactionsService): PageLoader {
  let loader = loadersByRequest.get(requestLoaders);
  if (!loader) {
    loader = new DataLoader<PageKey, Connection<Transaction>, string>((keys) => loadPages(service, keys), {
      cacheKeyFn: ({ account, args }) => `${account.id}|${JSON.stringify(args)}`,
    });
    loadersByRequest.set(requestLoaders, loader);
  }
  return loader;
}

async function loadPages(
  service: TransactionsService,
  keys: readonly PageKey[],
): Promise<Array<Connection<Transaction> | Error>> {
  const groups = new Map<string, number[]>();
  keys.forEach(({ account, args }, index) => {
    const group = `${account.ownerId}|${JSON.stringify(args)}`;
    groups.set(group, [...(groups.get(group) ?? []), index]);
  });
  const results = new Array<Connection<Transaction> | Error>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const { account, args } = keys[indexes[0]];
      const pages = await service
        .listPerAccount(
          account.ownerId,
          indexes.map((index) => keys[index].account.id),
          args,
        )
        .catch((error: Error) => indexes.map(() => error));
      indexes.forEach((index, position) => (results[index] = pages[position]));
    }),
  );
  return results;
}
