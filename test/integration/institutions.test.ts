import { randomUUID } from 'node:crypto';
import {
  Institution,
  InstitutionCapability,
  ProviderStandardEnum,
} from '../../src/modules/institutions/institution.entity';
import { SANDBOX_BANKS } from '../../src/sandbox/banks';
import { InstitutionsDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;
let apiKey: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  ({ apiKey } = await gateway.makeOwner());
});
afterAll(() => gateway?.close());

/** Institutions named with a token of this test run only, so parallel test files never see each other's rows. */
async function insertInstitutions(token: string, names: string[], country = 'BE'): Promise<void> {
  await gateway.dataSource.getRepository(Institution).insert(
    names.map((name) => ({
      slug: `test-${randomUUID()}`,
      name: `${name} ${token}`,
      country,
      bic: null,
      standard: ProviderStandardEnum.BERLIN_GROUP,
      capabilities: [InstitutionCapability.AIS],
      maxHistoryDays: 90,
      maxConsentDays: 90,
      apiBaseUrl: 'https://bank.invalid',
    })),
  );
}

describe('the institutions catalogue', () => {
  it('lists every sandbox bank with its standard, capabilities and limits', async () => {
    const { body } = await gateway.graphql(InstitutionsDocument, { first: 100, search: 'Sandbox' }, apiKey);
    const nodes = body.data!.institutions.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.name).sort()).toEqual(SANDBOX_BANKS.map((bank) => bank.name).sort());
    const stet = nodes.find((node) => node.standard === 'STET')!;
    expect(stet).toMatchObject({ country: 'FR', capabilities: ['AIS', 'PIS'], maxConsentDays: 180 });
  });

  it('filters by country', async () => {
    const { body } = await gateway.graphql(InstitutionsDocument, { first: 100, country: 'FR' }, apiKey);
    const countries = new Set(body.data!.institutions.edges.map((edge) => edge.node.country));
    expect([...countries]).toEqual(['FR']);
  });

  it('searches names case-insensitively and treats % and _ as plain characters', async () => {
    const token = randomUUID().slice(0, 8);
    await insertInstitutions(token, ['Banque 100% Locale', 'Banque 1000 Locale', 'Caisse_Rurale']);
    const percent = await gateway.graphql(InstitutionsDocument, { first: 10, search: `100% LOCALE ${token}` }, apiKey);
    expect(percent.body.data!.institutions.edges.map((edge) => edge.node.name)).toEqual([
      `Banque 100% Locale ${token}`,
    ]);
    const underscore = await gateway.graphql(InstitutionsDocument, { first: 10, search: `e_r` }, apiKey);
    expect(underscore.body.data!.institutions.edges.map((edge) => edge.node.name)).toContain(`Caisse_Rurale ${token}`);
    expect(underscore.body.data!.institutions.edges.map((edge) => edge.node.name)).not.toContain(
      `Banque 1000 Locale ${token}`,
    );
  });

  it('pages forward by cursor in name order without skipping or repeating a bank', async () => {
    const token = randomUUID().slice(0, 8);
    const names = ['Delta', 'Alpha', 'Echo', 'Charlie', 'Bravo'];
    await insertInstitutions(token, names);
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    for (;;) {
      const { body } = await gateway.graphql(InstitutionsDocument, { first: 2, search: token, after }, apiKey);
      const page = body.data!.institutions;
      seen.push(...page.edges.map((edge) => edge.node.name));
      pages += 1;
      expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort().map((name) => `${name} ${token}`));
  });

  it.each([
    [{ first: 0 }, 'first', /first must not be less than 1/],
    [{ first: 101 }, 'first', /first must not be greater than 100/],
    [{ first: 5, country: 'fr' }, 'country', /ISO 3166-1 alpha-2/],
    [{ first: 5, search: 'x'.repeat(101) }, 'search', /search must be 1 to 100 characters/],
    [{ first: 5, after: 'not-a-cursor' }, 'after', /after is not a cursor/],
  ])('rejects %j with BAD_USER_INPUT naming %s', async (variables, field, message) => {
    const { body } = await gateway.graphql(InstitutionsDocument, variables, apiKey);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    expect(body.errors![0].message).toMatch(message);
  });
});
