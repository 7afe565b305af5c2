import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { Account } from '../modules/accounts/account.entity';
import { Connection } from '../modules/connections/connection.entity';
import type { ConsentAccess } from '../modules/connections/consent-access';
import { Consent } from '../modules/connections/consent.entity';
import { Institution } from '../modules/institutions/institution.entity';

/**
 * Every DataLoader a request uses, built by one factory per request (and per subscription event): a loader's cache
 * is a memo of one request, and one shared across requests would serve one user's rows to another. Loaders keyed
 * by a connection only return rows of the owner the caller acts for.
 */
/** What loaders may use, built once per gateway; the loaders themselves are built per request. */
export interface LoaderDeps {
  dataSource: DataSource;
  /** The only way to a bank for reads: refuses at once when the consent is not live. */
  consentAccess: ConsentAccess;
}

export function createLoaders({ dataSource }: LoaderDeps, ownerId: string | null) {
  const byKey = <T, K extends keyof T>(rows: T[], key: K, keys: readonly T[K][]) =>
    keys.map((wanted) => rows.filter((row) => row[key] === wanted));

  return {
    institutionById: new DataLoader<string, Institution | null>(async (ids) => {
      const rows = await dataSource.getRepository(Institution).findBy({ id: In([...ids]) });
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    connectionById: new DataLoader<string, Connection | null>(async (ids) => {
      const rows = ownerId ? await dataSource.getRepository(Connection).findBy({ id: In([...ids]), ownerId }) : [];
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    consentsByConnectionId: new DataLoader<string, Consent[]>(async (ids) => {
      const rows = ownerId
        ? await dataSource.getRepository(Consent).find({ where: { connectionId: In([...ids]), ownerId }, order: { createdAt: 'DESC', id: 'ASC' } })
        : [];
      return byKey(rows, 'connectionId', ids);
    }),
    accountsByConnectionId: new DataLoader<string, Account[]>(async (ids) => {
      const rows = ownerId
        ? await dataSource.getRepository(Account).find({ where: { connectionId: In([...ids]), ownerId }, order: { name: 'ASC', id: 'ASC' } })
        : [];
      return byKey(rows, 'connectionId', ids);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
