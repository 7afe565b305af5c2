import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { queryPrepared } from '../../src/db/entity-rows';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { seedSandboxInstitutions } from '../../src/modules/institutions/institution.seed';
import { SANDBOX_BANKS } from '../../src/sandbox/banks';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

describe('the database schema', () => {
  it('is exactly what the entities describe once the migrations have run (no drift, no synchronize)', async () => {
    const pending = await gateway.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('has every migration applied and none left pending', async () => {
    expect(await gateway.dataSource.showMigrations()).toBe(false);
  });

  it('seeds the sandbox institutions idempotently, however often the gateway starts', async () => {
    await Promise.all([seedSandboxInstitutions(gateway.dataSource), seedSandboxInstitutions(gateway.dataSource)]);
    const slugs = SANDBOX_BANKS.map((bank) => `sandbox-${bank.slug}`);
    const rows = await gateway.dataSource
      .getRepository(Institution)
      .createQueryBuilder('institution')
      .where('institution.slug IN (:...slugs)', { slugs })
      .getMany();
    expect(rows).toHaveLength(SANDBOX_BANKS.length);
  });
});

describe('prepared reads', () => {
  it('run again on a new pooled connection, where the server may still hold the statement from a closed one', async () => {
    const pool = (gateway.dataSource.driver as PostgresDriver).master as Pool;
    const text = 'SELECT $1::int + 1 AS next';
    expect((await queryPrepared(gateway.dataSource, text, [1])).rows).toEqual([[2]]);
    // The embedded pool's one connection, which prepared the statement, closes; PGlite's session does not. The
    // embedded server takes one connection at a time: the next is refused until it has seen this one close.
    const client = await pool.connect();
    client.release(true);
    for (let attempt = 0; ; attempt += 1) {
      const reconnected = await pool.query('SELECT 1').then(
        () => true,
        (error: Error) => (attempt < 50 && /terminated/.test(error.message) ? false : Promise.reject(error)),
      );
      if (reconnected) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect((await queryPrepared(gateway.dataSource, text, [2])).rows).toEqual([[3]]);
  });
});
