import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { LENDER_SCOPES, OWNER_SCOPES, type ApiScope } from '../../src/modules/principals/api-scope';
import { PrincipalKind } from '../../src/modules/principals/principal.entity';
import { startGateway, type Gateway } from '../../src/server/gateway';
import { deleteRedisKeys, ensureTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL } from './services';

/**
 * A gateway for one test file. By default on the real Postgres and Redis (each test makes its own principals, so
 * files run in parallel); with PASSERELLE_TEST_TARGET=embedded on the embedded default (PGlite, in-memory pub/sub),
 * the path a new user takes.
 */
export interface TestGateway extends Gateway {
  graphql<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    apiKey: string | null,
  ): Promise<{ status: number; body: ExecutionResult<TResult> }>;
  makeOwner(): Promise<{ id: string; apiKey: string }>;
  makeApiClient(ownerId: string, scopes: ApiScope[]): Promise<{ id: string; apiKey: string }>;
  makeLender(): Promise<{ id: string; apiKey: string }>;
}

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Test principals may send the consent journey back to any loopback URI. */
export const TEST_REDIRECT_ALLOW = 'http://127.0.0.1*';

export const testTarget = process.env.PASSERELLE_TEST_TARGET === 'embedded' ? 'embedded' : 'services';

/**
 * `dataDir`: a data folder the caller owns and removes, to start a gateway again on it (a restart).
 * `env`: configuration to set on top of the test defaults.
 */
export async function startTestGateway(
  options: {
    now?: () => Date;
    redisPrefix?: string;
    paymentPollBaseMs?: number;
    dataDir?: string;
    env?: Record<string, string>;
  } = {},
): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'passerelle-test-')));
  // A prefix of this gateway's own is removed at close; a shared one (several gateways, one Redis) is its caller's.
  const ownPrefix = options.redisPrefix ? undefined : `passerelle-test:${randomUUID()}:`;
  if (testTarget === 'services') await ensureTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    // Every test gateway shares the test database, so they share its encryption key, as replicas would.
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    // Tests run the lifecycle sweep themselves, scoped to their own owners: a scheduled one would touch other files' rows.
    CONSENT_SWEEP_SECONDS: '0',
    SYNC_SCHEDULE_SECONDS: '0',
    // Test files fire bursts from one key and one address; the rate-limit tests set their own limits.
    RATE_LIMIT_PER_SECOND: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...options.env,
    ...(testTarget === 'services'
      ? {
          DATABASE_URL: TEST_DATABASE_URL,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_PREFIX: ownPrefix ?? options.redisPrefix!,
        }
      : {}),
  });
  const gateway = await startGateway(config, {
    logger: createLogger('silent'),
    now: options.now,
    paymentPollBaseMs: options.paymentPollBaseMs,
  });

  const make = async (kind: PrincipalKind, scopes: readonly ApiScope[], ownerId?: string) => {
    const principal = await gateway.principals.create({
      kind,
      displayName: `${kind} ${randomUUID()}`,
      ownerId,
      redirectUris: [TEST_REDIRECT_ALLOW],
    });
    return { id: principal.id, apiKey: await gateway.principals.issueApiKey(principal.id, [...scopes], 'test key') };
  };

  return {
    ...gateway,
    async close() {
      await gateway.close();
      if (!options.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
      if (testTarget === 'services' && ownPrefix) await deleteRedisKeys(ownPrefix);
    },
    async graphql(document, variables, apiKey) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { status: response.status, body: (await response.json()) as ExecutionResult<never> };
    },
    makeOwner: () => make(PrincipalKind.OWNER, OWNER_SCOPES),
    makeApiClient: (ownerId, scopes) => make(PrincipalKind.API_CLIENT, scopes, ownerId),
    makeLender: () => make(PrincipalKind.LENDER, LENDER_SCOPES),
  };
}
