import { createClient, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;
let apiKey: string;

beforeAll(async () => {
  gateway = await startTestGateway({
    env: { MAX_SUBSCRIPTIONS_PER_SOCKET: '2', WS_CONNECTION_INIT_TIMEOUT_MS: '300' },
  });
  ({ apiKey } = await gateway.makeOwner());
});
afterAll(() => gateway?.close());

type Errors = Array<{ message: string; extensions?: Record<string, unknown> }>;

async function overHttp(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Errors } };
}

function socketClient(key = apiKey) {
  return createClient({
    url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Runs one operation over a socket and returns its errors, as graphql-ws hands them to the client. */
async function overSocket(query: string, variables: Record<string, unknown> = {}): Promise<Errors> {
  const client = socketClient();
  try {
    return await new Promise<Errors>((resolve) => {
      client.subscribe(
        { query, variables },
        {
          next: (result: ExecutionResult) => result.errors && resolve(result.errors as unknown as Errors),
          error: (error) => resolve(Array.isArray(error) ? (error as Errors) : [{ message: String(error) }]),
          complete: () => resolve([]),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const aliases = (count: number) =>
  `{ ${Array.from({ length: count }, (_, index) => `a${index}: viewer { id }`).join(' ')} }`;
const deep =
  '{ accounts { institution { id } transactions(first: 1) { edges { node { account { transactions(first: 1) { edges { node { account { transactions(first: 1) { edges { node { id } } } } } } } } } } } } }';
const costly =
  '{ transactions(first: 100) { edges { node { account { transactions(first: 100) { edges { node { id } } } } } } } }';

describe.each([
  [
    'HTTP',
    async (query: string, variables?: Record<string, unknown>) => (await overHttp(query, variables)).body.errors ?? [],
  ],
  ['WebSocket', overSocket],
])('limits on every operation over %s', (_transport, run) => {
  it('refuses more aliases than allowed before running any of them', async () => {
    const errors = await run(aliases(16));
    expect(errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 15 } });
    expect(await run(aliases(15))).toEqual([]);
  });

  it('refuses a query nested deeper than allowed', async () => {
    const errors = await run(deep);
    expect(errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10 } });
  });

  it('refuses too many directives', async () => {
    const errors = await run(`{ viewer { ${'id @include(if: true) '.repeat(21)}} }`);
    expect(errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'directives' } });
  });

  it('counts a list at its first, including a first given as a variable', async () => {
    const errors = await run(costly);
    expect(errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 5000 } });
    expect(errors[0].message).toMatch(/costs \d+, above the limit of 5000/);
    const nested =
      'query($n: Int!) { transactions(first: $n) { edges { node { id account { transactions(first: $n) { edges { node { id } } } } } } } }';
    // The same document is judged anew for each set of variables, in either order.
    expect(await run(nested, { n: 2 })).toEqual([]);
    const byVariable = await run(nested, { n: 100 });
    expect(byVariable[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost' } });
    expect(await run(nested, { n: 2 })).toEqual([]);
    expect(await run('query($n: Int!) { transactions(first: $n) { edges { node { id } } } }', { n: 100 })).toEqual([]);
  });

  it('refuses a document with more tokens than allowed', async () => {
    const errors = await run(`{ viewer { ${'id '.repeat(5001)}} }`);
    expect(errors[0].message).toMatch(/5000 tokens/);
    expect(errors[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('the WebSocket transport', () => {
  it('closes a socket whose message is larger than the payload limit, before authentication', async () => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it('closes a socket that never sends connection_init', async () => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    expect(await closed).toBe(4408);
  });

  it('limits the operations running at once on one socket', async () => {
    const client = socketClient();
    const outcomes: Array<Errors | 'open'> = [];
    const subscribe = () =>
      new Promise<void>((resolve) => {
        client.subscribe(
          { query: 'subscription { consentStatusChanged { cursor } }' },
          {
            next: () => undefined,
            error: (error) => (outcomes.push(error as Errors), resolve()),
            complete: () => resolve(),
          },
        );
        setTimeout(() => (outcomes.push('open'), resolve()), 500);
      });
    try {
      await subscribe();
      await subscribe();
      await subscribe();
      expect(outcomes.filter((outcome) => outcome === 'open')).toHaveLength(2);
      const refused = outcomes.find((outcome) => outcome !== 'open') as Errors;
      expect(refused[0]).toMatchObject({ extensions: { code: 'TOO_MANY_OPERATIONS' } });
    } finally {
      await client.dispose();
    }
  });
});

describe('in production', () => {
  let production: TestGateway;
  let productionKey: string;
  beforeAll(async () => {
    production = await startTestGateway({
      env: { NODE_ENV: 'production', METRICS_TOKEN: 'a-metrics-token-for-tests' },
    });
    ({ apiKey: productionKey } = await production.makeOwner());
  });
  afterAll(() => production?.close());

  it('serves /metrics only to its bearer token', async () => {
    expect((await fetch(`${production.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${production.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-same-size' } }))
        .status,
    ).toBe(401);
    const scraped = await fetch(`${production.url}/metrics`, {
      headers: { authorization: 'Bearer a-metrics-token-for-tests' },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('passerelle_upstream_calls_total');
  });

  it('forbids framing the explorer and limits where its scripts come from', async () => {
    const explorer = await fetch(`${production.url}/explorer/`);
    expect(explorer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(explorer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(explorer.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses introspection over the socket as it does over HTTP', async () => {
    const query = '{ __schema { types { name } } }';
    const response = await fetch(`${production.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${productionKey}` },
      body: JSON.stringify({ query }),
    });
    const overHttpErrors = ((await response.json()) as { errors: Errors }).errors;
    expect(overHttpErrors[0].message).toMatch(/introspection/i);

    const client = createClient({
      url: `${production.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${productionKey}` },
      retryAttempts: 0,
    });
    try {
      const errors = await new Promise<Errors>((resolve) => {
        client.subscribe(
          { query },
          { next: () => resolve([]), error: (error) => resolve(error as Errors), complete: () => undefined },
        );
      });
      expect(errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      expect(errors[0].message).toMatch(/introspection/i);
    } finally {
      await client.dispose();
    }
  });
});
