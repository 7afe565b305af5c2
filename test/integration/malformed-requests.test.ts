import { InstitutionsDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;
let apiKey: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  ({ apiKey } = await gateway.makeOwner());
});
afterAll(() => gateway?.close());

async function post(body: string, contentType = 'application/json') {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${apiKey}`, 'apollo-require-preflight': 'true' },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

describe('malformed requests', () => {
  it('answers a body that is not JSON with a GraphQL-shaped 400, not a stack trace', async () => {
    const { status, json, text } = await post('{"query": ');
    expect(status).toBe(400);
    expect(json.errors![0]).toMatchObject({
      message: 'the request body is not valid JSON',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('names an unknown field', async () => {
    const { status, json } = await post(
      JSON.stringify({ query: '{ institutions(first: 1) { edges { node { iban } } } }' }),
    );
    expect(status).toBe(400);
    expect(json.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(json.errors![0].message).toMatch(/Cannot query field "iban" on type "Institution"/);
  });

  it('names a variable of the wrong type', async () => {
    const { status, json } = await post(
      JSON.stringify({
        query: 'query($n: Int!) { institutions(first: $n) { edges { cursor } } }',
        variables: { n: 'ten' },
      }),
    );
    expect(status).toBe(400);
    expect(json.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(json.errors![0].message).toMatch(/\$n/);
  });

  it('rejects a query that does not parse', async () => {
    const { status, json } = await post(JSON.stringify({ query: '{ institutions(first: 1 { ' }));
    expect(status).toBe(400);
    expect(json.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('keeps serving after every kind of bad request', async () => {
    await post('not json at all');
    await post(JSON.stringify({ query: '{ nope }' }));
    await post(JSON.stringify({ query: 42 }));
    await post('x'.repeat(2 * 1024 * 1024));
    const { status, body } = await gateway.graphql(InstitutionsDocument, { first: 1 }, apiKey);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.institutions.edges).toHaveLength(1);
  });

  it('refuses an oversized body with 413', async () => {
    const { status, json } = await post(JSON.stringify({ query: `{ viewer { id } } #${'x'.repeat(2 * 1024 * 1024)}` }));
    expect(status).toBe(413);
    expect(json.errors![0].extensions!.code).toBe('BAD_REQUEST');
  });
});
