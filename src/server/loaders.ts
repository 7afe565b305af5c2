import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { Account } from '../modules/accounts/account.entity';
import type { AccessBudgetState, AccountBalances, BalancesService } from '../modules/balances/balances.service';
import { NotFoundError } from '../common/errors';
import { Connection } from '../modules/connections/connection.entity';
import { Consent } from '../modules/connections/consent.entity';
import { ConsentStatus } from '../modules/connections/consent-scope';
import { Institution } from '../modules/institutions/institution.entity';
import { createPaymentLoaders } from '../modules/payments/payments.loaders';
import type { PsuContext } from '../providers';

/**
 * Every DataLoader a request uses, built by one factory per request (and per subscription event): a loader's cache
 * is a memo of one request, and one shared across requests would serve one user's rows to another. Loaders keyed
 * by a connection only return rows of the owner the caller acts for.
 */
/** What loaders may use, built once per gateway; the loaders themselves are built per request. */
export interface LoaderDeps {
  dataSource: DataSource;
  balances: BalancesService;
}

/** `psu` is the request's user, when present: it decides whether bank reads spend the unattended access budget. */
export function createLoaders({ dataSource, balances }: LoaderDeps, ownerId: string | null, psu: PsuContext = {}) {
  const byKey = <T, K extends keyof T>(rows: T[], key: K, keys: readonly T[K][]) =>
    keys.map((wanted) => rows.filter((row) => row[key] === wanted));

  const consentsByConnectionId = new DataLoader<string, Consent[]>(async (ids) => {
    const rows = ownerId
      ? await dataSource
          .getRepository(Consent)
          .find({ where: { connectionId: In([...ids]), ownerId }, order: { createdAt: 'DESC', id: 'ASC' } })
      : [];
    return byKey(rows, 'connectionId', ids);
  });

  // Keys are whole accounts (already loaded under the owner's authority) so the batch knows each one's connection
  // and bank id without another query. One batch = one query for every connection's consent and one getBalances
  // call per bank, every bank at once; a bank that fails puts its error in its own accounts' slots only.
  const balancesLoader = new DataLoader<Account, AccountBalances, string>(
    async (accounts) => {
      const owned = accounts.filter((account) => ownerId && account.ownerId === ownerId);
      const read = new Map((await balances.readAccounts(owned, psu)).map((result, index) => [owned[index]!, result]));
      return accounts.map((account) => read.get(account) ?? new NotFoundError('no account with this id'));
    },
    { cacheKeyFn: (account) => account.id },
  );
  const balanceReads = new Map<string, Promise<unknown>>();

  return {
    balancesByAccount: {
      load(account: Account): Promise<AccountBalances> {
        const read = balancesLoader.load(account);
        balanceReads.set(
          account.id,
          read.catch(() => undefined),
        );
        return read;
      },
    },
    /**
     * Today's unattended budget per account, null without an active consent. It waits for the balance reads this
     * request started on the same accounts, so a response shows the budget after its own reads, not before. Its batch
     * runs on setImmediate, after every field resolver of the current level has started (and so registered its read).
     */
    accessBudgetByAccount: new DataLoader<Account, AccessBudgetState | null, string>(
      async (accounts) => {
        await Promise.all(accounts.map((account) => balanceReads.get(account.id)));
        return Promise.all(
          accounts.map(async (account) => {
            const live = (await consentsByConnectionId.load(account.connectionId)).find(
              (consent) => consent.status === ConsentStatus.ACTIVE,
            );
            return live ? balances.budget(live, account.id) : null;
          }),
        );
      },
      { cacheKeyFn: (account) => account.id, batchScheduleFn: (callback) => setImmediate(callback) },
    ),
    institutionById: new DataLoader<string, Institution | null>(async (ids) => {
      const rows = await dataSource.getRepository(Institution).findBy({ id: In([...ids]) });
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    connectionById: new DataLoader<string, Connection | null>(async (ids) => {
      const rows = ownerId ? await dataSource.getRepository(Connection).findBy({ id: In([...ids]), ownerId }) : [];
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    consentsByConnectionId,
    accountById: new DataLoader<string, Account | null>(async (ids) => {
      const rows = ownerId ? await dataSource.getRepository(Account).findBy({ id: In([...ids]), ownerId }) : [];
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    accountsByConnectionId: new DataLoader<string, Account[]>(async (ids) => {
      const rows = ownerId
        ? await dataSource
            .getRepository(Account)
            .find({ where: { connectionId: In([...ids]), ownerId }, order: { name: 'ASC', id: 'ASC' } })
        : [];
      return byKey(rows, 'connectionId', ids);
    }),
    ...createPaymentLoaders(dataSource, ownerId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
