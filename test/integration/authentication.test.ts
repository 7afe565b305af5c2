import { ApiScope } from '../../src/modules/principals/api-scope';
import { InstitutionsDocument, ViewerDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

describe('authentication by API key', () => {
  it('tells an owner, an API client and a lender who they are and what they may do', async () => {
    const owner = await gateway.makeOwner();
    const client = await gateway.makeApiClient(owner.id, [ApiScope.READ]);
    const lender = await gateway.makeLender();

    const asOwner = await gateway.graphql(ViewerDocument, {}, owner.apiKey);
    expect(asOwner.body.data!.viewer).toMatchObject({ id: owner.id, kind: 'OWNER' });
    expect(asOwner.body.data!.viewer.scopes).toEqual(expect.arrayContaining(['READ', 'MANAGE_CONNECTIONS']));
    expect(asOwner.body.data!.viewer.scopes).not.toContain('READ_SHARED');

    const asClient = await gateway.graphql(ViewerDocument, {}, client.apiKey);
    expect(asClient.body.data!.viewer).toMatchObject({ id: client.id, kind: 'API_CLIENT', scopes: ['READ'] });

    const asLender = await gateway.graphql(ViewerDocument, {}, lender.apiKey);
    expect(asLender.body.data!.viewer).toMatchObject({ id: lender.id, kind: 'LENDER', scopes: ['READ_SHARED'] });
  });

  it.each([
    ['no key', null, /an API key is required/],
    ['a well-formed but unknown key', `psk_0123456789ab_${'A'.repeat(43)}`, /not valid/],
    ['a malformed key', 'hello', /not valid/],
  ])('answers %s with UNAUTHENTICATED and no data', async (_case, apiKey, message) => {
    const { status, body } = await gateway.graphql(InstitutionsDocument, { first: 1 }, apiKey);
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(body.errors![0].message).toMatch(message);
  });

  it('refuses a key whose secret part was tampered with, even with a real prefix', async () => {
    const { apiKey } = await gateway.makeOwner();
    const tampered = apiKey.slice(0, -1) + (apiKey.endsWith('A') ? 'B' : 'A');
    const { status } = await gateway.graphql(ViewerDocument, {}, tampered);
    expect(status).toBe(401);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const { apiKey } = await gateway.makeOwner();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${apiKey}` },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ message: expect.stringMatching(/Bearer/) }] });
  });

  it('stores only a hash of each key: the key text appears nowhere in the database', async () => {
    const { apiKey } = await gateway.makeOwner();
    const secret = apiKey.split('_').slice(2).join('_');
    const rows: Array<{ dump: string }> = await gateway.dataSource.query(
      `SELECT row_to_json(api_key)::text AS dump FROM api_key`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.dump.includes(secret))).toBe(false);
  });
});
