import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

function wsQuery(connectionParams: Record<string, unknown>): Promise<unknown> {
  const client = createClient({
    url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: '{ viewer { kind } }' },
      { next: resolve, error: (error) => reject(error), complete: () => undefined },
    );
  }).finally(() => client.dispose());
}

describe('the HTTP surface', () => {
  it('reports the process alive on /healthz and ready on /readyz when database and pub/sub answer', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', pubsub: 'ok' });
  });

  it('serves a GraphQL explorer whose assets all come from this server', async () => {
    const page = await fetch(`${gateway.url}/explorer`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.filter((asset) => /^(https?:)?\/\//.test(asset))).toEqual([]);
    const script = assets.find((asset) => asset.endsWith('.js'))!;
    expect((await fetch(`${gateway.url}/explorer/${script}`)).status).toBe(200);
  });

  it('sends a browser that opens /graphql to the explorer', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/explorer');
  });

  it('runs operations over WebSocket on the same port and path when the key is in the connection payload', async () => {
    const { apiKey } = await gateway.makeOwner();
    await expect(wsQuery({ authorization: `Bearer ${apiKey}` })).resolves.toEqual({
      data: { viewer: { kind: 'OWNER' } },
    });
  });

  it('closes a WebSocket that brings no valid key before running anything, saying why as HTTP does', async () => {
    await expect(wsQuery({})).rejects.toMatchObject({
      code: 4403,
      reason: 'an API key is required: send the header "Authorization: Bearer <api key>"',
    });
    await expect(wsQuery({ authorization: 'Bearer psk_nope' })).rejects.toMatchObject({
      code: 4403,
      reason: 'the API key is not valid (unknown, malformed or revoked)',
    });
    const http = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer psk_nope' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(((await http.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
      'the API key is not valid (unknown, malformed or revoked)',
    );
  });
});

describe('readiness', () => {
  // The in-memory pub/sub of the embedded default has no connection to lose.
  const onServices = testTarget === 'embedded' ? it.skip : it;

  onServices('reports not ready, naming the failing dependency, when Redis stops answering', async () => {
    const degraded = await startTestGateway();
    try {
      await degraded.messaging.close();
      const response = await fetch(`${degraded.url}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as Record<string, string>;
      expect(body).toMatchObject({ status: 'unavailable', database: 'ok' });
      expect(body.pubsub).not.toBe('ok');
      expect((await fetch(`${degraded.url}/healthz`)).status).toBe(200);
    } finally {
      await degraded.close();
    }
  });
});

describe('the in-process sandbox banks', () => {
  it('are served under /sandbox on the gateway port, one per seeded institution', async () => {
    const response = await fetch(`${gateway.url}/sandbox/`);
    expect(response.status).toBe(200);
    const { banks } = (await response.json()) as { banks: Array<{ slug: string; standard: string }> };
    expect(banks.map((bank) => bank.slug).sort()).toEqual(['berlin-group', 'flaky', 'stet']);
  });
});
