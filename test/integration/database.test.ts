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
