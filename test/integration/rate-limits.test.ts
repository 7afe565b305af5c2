import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiKey } from '../../src/modules/principals/api-key.entity';
import { API_KEY_CACHE_MS } from '../../src/modules/principals/principals.service';
import { ViewerDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ env: { RATE_LIMIT_PER_SECOND: '5', AUTH_FAILURES_PER_MINUTE: '3' } });
});
afterAll(() => gateway?.close());

async function viewer(authorization: string) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: '{ viewer { id } }' }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('rate limits per API key', () => {
  it('answers 429 with Retry-After once a key spends its bucket, without slowing another key', async () => {
    const busy = await gateway.makeOwner();
    const other = await gateway.makeOwner();
    const answers = await Promise.all(Array.from({ length: 8 }, () => viewer(`Bearer ${busy.apiKey}`)));
    const limited = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
    expect(limited).toHaveLength(3);
    expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited[0].body.errors![0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: Number(limited[0].retryAfter),
    });

    const { status, body } = await gateway.graphql(ViewerDocument, {}, other.apiKey);
    expect(status).toBe(200);
    expect(body.data!.viewer.id).toBe(other.id);
  });

  it('spends the same bucket over WebSocket', async () => {
    const owner = await gateway.makeOwner();
    const client = createClient({
      url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.apiKey}` },
      retryAttempts: 0,
    });
    const run = () =>
      new Promise<string>((resolve) => {
        client.subscribe(
          { query: '{ viewer { id } }' },
          {
            next: () => resolve('ok'),
            error: (errors) =>
              resolve(String((errors as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code)),
            complete: () => undefined,
          },
        );
      });
    try {
      const codes = await Promise.all(Array.from({ length: 7 }, run));
      expect(codes.filter((code) => code === 'ok')).toHaveLength(5);
      expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(2);
    } finally {
      await client.dispose();
    }
  });
});

describe('failed authentications', () => {
  it('refuses an address after repeated failures, even with a valid key, for the rest of the window', async () => {
    const owner = await gateway.makeOwner();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await viewer('Bearer psk_000000000000_not-a-real-key-at-all-xxxxxxxxxxxxxxxxxxxxxx')).status).toBe(401);
    }
    const refused = await viewer(`Bearer ${owner.apiKey}`);
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(1);
  });
});

describe('verified keys cached in memory', () => {
  it('stop working within the cache delay once revoked', async () => {
    const owner = await gateway.makeOwner();
    expect(await gateway.principals.authenticate(owner.apiKey)).toMatchObject({ id: owner.id });
    await gateway.dataSource.getRepository(ApiKey).update({ principalId: owner.id }, { revokedAt: new Date() });
    await new Promise((resolve) => setTimeout(resolve, API_KEY_CACHE_MS + 100));
    expect(await gateway.principals.authenticate(owner.apiKey)).toBeNull();
  });

  it('still check the secret of a cached key', async () => {
    const owner = await gateway.makeOwner();
    expect(await gateway.principals.authenticate(owner.apiKey)).toMatchObject({ id: owner.id });
    const forged = owner.apiKey.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    expect(await gateway.principals.authenticate(forged)).toBeNull();
  });
});
