import path from 'node:path';
import { DataSource } from 'typeorm';

export interface DataSourceOptions {
  url: string;
  /** The entity classes (`entities` of `src/modules`); the db layer knows no feature itself. */
  entities: DataSourceEntities;
  /**
   * The embedded PGlite server: it serves one session, so every query must go through one connection, and it does
   * not speak the COPY sub-protocol.
   */
  embedded?: boolean;
  /** PostgreSQL only: PGlite runs one statement at a time in-process and has no timer to cancel one. */
  statementTimeoutMs?: number;
  poolSize?: number;
}

type DataSourceEntities = readonly (new () => object)[];

const embeddedSources = new WeakSet<DataSource>();

/** Whether this DataSource talks to the embedded PGlite server (one session, no COPY). */
export function isEmbedded(dataSource: DataSource): boolean {
  return embeddedSources.has(dataSource);
}

/** Migrations are compiled with the code; this glob finds them both from `src` (ts-jest) and from `dist`. */
const migrationsGlob = path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}');

export function createDataSource({
  url,
  entities,
  embedded = false,
  statementTimeoutMs,
  poolSize = 10,
}: DataSourceOptions): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [...entities],
    migrations: [migrationsGlob],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into Postgres 13+ and PGlite; uuid-ossp is not always installed.
    uuidExtension: 'pgcrypto',
    extra: {
      max: embedded ? 1 : poolSize,
      connectionTimeoutMillis: 10_000,
      ...(statementTimeoutMs && !embedded ? { statement_timeout: statementTimeoutMs } : {}),
    },
  });
  if (embedded) embeddedSources.add(dataSource);
  return dataSource;
}

/** Advisory lock id for migrations, so several gateways (or test workers) starting at once migrate one at a time. */
const MIGRATION_LOCK = 0x70617373;

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (isEmbedded(dataSource)) {
    // One connection, one process: nothing to race with, and holding the lock would take the only connection.
    return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
