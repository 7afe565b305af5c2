import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../src/db/data-source';
import { entities } from '../../src/modules';
import { ensureTestDatabase, TEST_DATABASE_URL } from './services';

/**
 * Runs a test on a freshly migrated database of its own, dropped afterwards: for tests that run migrations down and
 * up, or sweep globally, which the shared test database and the files running beside it must not see.
 */
export async function withOwnDatabase(test: (dataSource: DataSource) => Promise<void>): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/passerelle_own_${randomUUID().replace(/-/g, '')}`;
  await ensureTestDatabase(url.toString());
  const dataSource = createDataSource({ url: url.toString(), entities });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    await test(dataSource);
  } finally {
    await dataSource.destroy();
    const admin = createDataSource({
      url: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
      entities: [],
    });
    await admin.initialize();
    await admin.query(`DROP DATABASE "${url.pathname.slice(1)}"`);
    await admin.destroy();
  }
}
