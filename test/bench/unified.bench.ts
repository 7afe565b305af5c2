/**
 * `npm run bench:unified`: the unified balances query over the three in-process sandbox banks, on the real Postgres
 * and Redis of the test suite (TEST_DATABASE_URL / TEST_REDIS_URL), logs silent. Two measures, each a key of
 * test/bench/results/unified.json (other measures of the file are kept, so sections written by other benches merge):
 *
 * - `upstreamCallsPerQuery`: HTTP exchanges with the banks for one `accounts { balances }` query through the
 *   per-request loaders, against a naive resolver written here that calls `getBalances` once per account.
 * - `unifiedLatency`: with 40 / 80 / 120 ms of latency at the three banks, the median latency of the unified query
 *   against the same query for an owner whose only bank is the slowest one. Target: ≤ 1.10 × slowest + 5 ms.
 *
 * Every query is sent with `X-PSU-IP-Address` (the user present), so each one reads the banks live and none is
 * served from the balances cache or spends the unattended budget.
 */
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  graphql,
  GraphQLID,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { print } from 'graphql';
import { Account } from '../../src/modules/accounts/account.entity';
import { ConsentAccess } from '../../src/modules/connections/consent-access';
import { ConsentSecrets } from '../../src/modules/connections/consent-secrets';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { ProviderRegistry } from '../../src/modules/institutions/provider-registry';
import type { PsuContext } from '../../src/providers';
import { parseEncryptionKey } from '../../src/security/encryption-key';
import { UpstreamCallCounter } from '../../src/server/metrics';
import { TokenCipher } from '../../src/security/token-cipher';
import { AccountBalancesDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
// The key `startTestGateway` encrypts consents with: the naive resolver below must read the same consents.
import { startTestGateway, TEST_ENCRYPTION_KEY, type TestGateway } from '../support/test-gateway';

const BANKS = [
  { slug: 'berlin-group', name: 'Sandbox Berlin Group Bank', latencyMs: 40 },
  { slug: 'stet', name: 'Sandbox STET Bank', latencyMs: 80 },
  { slug: 'flaky', name: 'Sandbox Unreliable Bank', latencyMs: 120 },
] as const;
const SLOWEST = BANKS[2];
const WARM_UP = 5;
const RUNS = 30;
const PSU: PsuContext = { ipAddress: '203.0.113.7' };
const RESULTS = join(__dirname, 'results', 'unified.json');

/**
 * What a resolver without loaders does: each account's `balances` field asks its bank for that account alone. It
 * still goes through ConsentAccess (a live consent) and adapters of its own registry, whose counter it reports.
 */
function naiveSchema(gateway: TestGateway) {
  const calls = new UpstreamCallCounter();
  const registry = new ProviderRegistry({ sandboxBaseUrl: () => `${gateway.url}/sandbox`, observer: calls });
  const secrets = new ConsentSecrets(new TokenCipher(parseEncryptionKey(TEST_ENCRYPTION_KEY)), Buffer.alloc(32));
  const consentAccess = new ConsentAccess(gateway.dataSource, registry, secrets);
  const balance = new GraphQLObjectType({
    name: 'Balance',
    fields: { amount: { type: GraphQLString }, currency: { type: GraphQLString } },
  });
  const account = new GraphQLObjectType<Account>({
    name: 'Account',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      balances: {
        type: new GraphQLList(balance),
        resolve: async (row) => {
          const { adapter, handle } = await consentAccess.forConnection(row.connectionId);
          const outcome = (await adapter.getBalances(handle, [row.providerAccountId], PSU)).get(row.providerAccountId);
          if (!outcome || outcome instanceof Error) throw outcome ?? new Error('no balances');
          return outcome.map((entry) => entry.amount);
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType<unknown, { ownerId: string }>({
      name: 'Query',
      fields: {
        accounts: {
          type: new GraphQLList(account),
          resolve: (_root, _args, { ownerId }) =>
            gateway.dataSource.getRepository(Account).find({ where: { ownerId } }),
        },
      },
    }),
  });
  return {
    calls,
    run: async (ownerId: string) => {
      const result = await graphql({
        schema,
        source: '{ accounts { id balances { amount currency } } }',
        contextValue: { ownerId },
      });
      if (result.errors) throw new Error(`naive query failed: ${JSON.stringify(result.errors)}`);
      return result;
    },
  };
}

async function unifiedQuery(gateway: TestGateway, apiKey: string): Promise<number> {
  const start = process.hrtime.bigint();
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      'x-psu-ip-address': PSU.ipAddress!,
    },
    body: JSON.stringify({ query: print(AccountBalancesDocument) }),
  });
  const body = (await response.json()) as {
    data?: { accounts: Array<{ balances: unknown[] | null }> };
    errors?: unknown[];
  };
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (body.errors || !body.data || body.data.accounts.some((account) => !account.balances)) {
    throw new Error(`unified query failed: ${JSON.stringify(body.errors)}`);
  }
  return elapsed;
}

/** Waits until no bank call has happened for a while: each journey ends with a first sync in the background. */
async function quietBanks(gateway: TestGateway): Promise<void> {
  let last = -1;
  while (gateway.upstreamCalls.total() !== last) {
    last = gateway.upstreamCalls.total();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const gateway = await startTestGateway();
  try {
    const unified = await gateway.makeOwner();
    for (const bank of BANKS) await connectSandbox(gateway, unified.apiKey, bank.name);
    const single = await gateway.makeOwner();
    await connectSandbox(gateway, single.apiKey, SLOWEST.name);
    await quietBanks(gateway);
    for (const bank of BANKS) gateway.sandbox!.setFaults(bank.slug, { latencyMs: bank.latencyMs });
    const accounts = await gateway.dataSource.getRepository(Account).countBy({ ownerId: unified.id });

    gateway.upstreamCalls.reset();
    await unifiedQuery(gateway, unified.apiKey);
    const loaderCalls = gateway.upstreamCalls.total();
    const institutions = await gateway.dataSource.getRepository(Institution).find();
    const loaderByBank = Object.fromEntries(
      Object.entries(gateway.upstreamCalls.snapshot()).map(([id, calls]) => [
        institutions.find((row) => row.id === id)?.name ?? id,
        calls,
      ]),
    );
    const naive = naiveSchema(gateway);
    await naive.run(unified.id);
    const naiveCalls = naive.calls.total();

    for (let run = 0; run < WARM_UP; run += 1) {
      await unifiedQuery(gateway, unified.apiKey);
      await unifiedQuery(gateway, single.apiKey);
    }
    const unifiedMs: number[] = [];
    const slowestMs: number[] = [];
    // Interleaved, so drift of the machine weighs on both series alike.
    for (let run = 0; run < RUNS; run += 1) {
      unifiedMs.push(await unifiedQuery(gateway, unified.apiKey));
      slowestMs.push(await unifiedQuery(gateway, single.apiKey));
    }
    const unifiedMedian = median(unifiedMs);
    const slowestMedian = median(slowestMs);
    const limit = 1.1 * slowestMedian + 5;

    const measures = {
      upstreamCallsPerQuery: {
        accounts,
        banks: BANKS.length,
        loaders: loaderCalls,
        naive: naiveCalls,
        loadersByBank: loaderByBank,
        note: 'Every bank answers all its accounts in one account list: Berlin Group with withBalance=true, STET 1.5 with each AccountResource carrying its balances. The loader makes one getBalances call per bank, one exchange each.',
      },
      unifiedLatency: {
        bankLatencyMs: Object.fromEntries(BANKS.map((bank) => [bank.slug, bank.latencyMs])),
        // What the query would take if the banks were asked one after another.
        sumOfBankLatenciesMs: BANKS.reduce((sum, bank) => sum + bank.latencyMs, 0),
        runs: RUNS,
        warmUp: WARM_UP,
        unifiedMedianMs: round(unifiedMedian),
        slowestBankAloneMedianMs: round(slowestMedian),
        ratio: Number((unifiedMedian / slowestMedian).toFixed(3)),
        targetMs: round(limit),
        pass: unifiedMedian <= limit,
      },
    };

    console.log('\nUnified balances query, sandbox banks in process, Postgres and Redis (test services)\n');
    console.table({
      'upstream calls per query': { loaders: loaderCalls, naive: naiveCalls, accounts, banks: BANKS.length },
    });
    console.table({
      'median latency (ms)': {
        unified: round(unifiedMedian),
        'slowest bank alone': round(slowestMedian),
        ratio: measures.unifiedLatency.ratio,
        'target (1.10x + 5 ms)': round(limit),
        pass: measures.unifiedLatency.pass,
      },
    });

    mkdirSync(join(__dirname, 'results'), { recursive: true });
    const existing = (() => {
      try {
        return JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    const environment = {
      database: 'postgres (TEST_DATABASE_URL)',
      messaging: 'redis (TEST_REDIS_URL)',
      node: process.version,
      measuredAt: new Date().toISOString(),
    };
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ ...existing, upstreamCallsPerQuery: { ...measures.upstreamCallsPerQuery, environment }, unifiedLatency: { ...measures.unifiedLatency, environment } }, null, 2)}\n`,
    );
    console.log(`\nwritten to ${RESULTS}`);
    if (!measures.unifiedLatency.pass) process.exitCode = 1;
  } finally {
    await gateway.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
