/**
 * `npm run bench:http`: HTTP throughput and latency of the gateway under autocannon, on the real Postgres and Redis
 * of the test suite (TEST_DATABASE_URL / TEST_REDIS_URL), or on the embedded default with
 * PASSERELLE_TEST_TARGET=embedded. Measured in one run, beside a bare graphql-js server answering the same trivial
 * query, so the gateway's own overhead shows as a ratio whatever the machine's load:
 *
 * - `{ viewer { id } }` alone;
 * - the cached unified query (every account, its balances, 10 transactions each) alone;
 * - the trivial query while the unified one runs beside it on another key (one tenant must not stall another).
 *
 * `npm run bench:http` sets NODE_ENV=production, as the Dockerfile does, so that graphql-js and Express run as they
 * do in production (graphql-js checks every type lookup more slowly otherwise); the gateway's own configuration is
 * the test gateway's, which reads no process environment.
 *
 * The four phases run BENCH_ROUNDS times (default 3) after a warm-up, and each figure is the median of its rounds:
 * this machine's speed moves by a quarter from one minute to the next. BENCH_SECONDS sets each phase's length
 * (default 10). Writes test/bench/results/http-<target>.json.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';
import { buildSchema, graphql } from 'graphql';
import { connectSandbox } from '../support/journey';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 10;
const TRIVIAL = '{ viewer { id } }';
const UNIFIED =
  '{ accounts { id name iban currency balances { type amount currency } transactions(first: 10) { edges { node { id date amount currency counterpartyName } } } } }';
const BANKS = ['Sandbox Berlin Group Bank', 'Sandbox STET Bank'];

interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** graphql-js and node:http only: what any GraphQL server pays for the same query. */
async function startBareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const schema = buildSchema('type Viewer { id: ID! } type Query { viewer: Viewer! }');
  const rootValue = { viewer: () => ({ id: 'bare' }) };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      const { query } = JSON.parse(body) as { query: string };
      const result = await graphql({ schema, source: query, rootValue });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** autocannon in a process of its own: on the gateway's thread, the load's own work would count as the gateway's. */
async function load(url: string, query: string, apiKey?: string): Promise<Figures> {
  const headers = ['content-type=application/json', ...(apiKey ? [`authorization=Bearer ${apiKey}`] : [])];
  const args = [require.resolve('autocannon/autocannon.js'), '--json', '--method', 'POST'];
  args.push('--connections', String(CONNECTIONS), '--duration', String(SECONDS), '--body', JSON.stringify({ query }));
  for (const header of headers) args.push('--headers', header);
  const { stdout } = await run(process.execPath, [...args, url]);
  const result = JSON.parse(stdout) as autocannon.Result;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** An owner with two banks connected and their first syncs done, so the unified query reads stored lines. */
async function connectedOwner(gateway: TestGateway): Promise<string> {
  const { apiKey } = await gateway.makeOwner();
  for (const bank of BANKS) await connectSandbox(gateway, apiKey, bank);
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: UNIFIED }),
    });
    const body = (await response.json()) as { data?: { accounts: Array<{ transactions: { edges: unknown[] } }> } };
    const accounts = body.data?.accounts ?? [];
    if (accounts.length > 0 && accounts.every((account) => account.transactions.edges.length > 0)) return apiKey;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the first syncs did not finish within a minute');
}

async function main(): Promise<void> {
  const gateway = await startTestGateway();
  const bare = await startBareServer();
  try {
    const trivialKey = (await gateway.makeOwner()).apiKey;
    const unifiedKey = await connectedOwner(gateway);
    const graphqlUrl = `${gateway.url}/graphql`;
    await load(graphqlUrl, UNIFIED, unifiedKey); // warm-up: balances cached, plans and JIT warm

    const rounds: Array<Record<'bareTrivial' | 'trivial' | 'unified' | 'trivialBesideHeavy', Figures>> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const bareTrivial = await load(bare.url, TRIVIAL);
      const trivial = await load(graphqlUrl, TRIVIAL, trivialKey);
      await pause();
      const unified = await load(graphqlUrl, UNIFIED, unifiedKey);
      const [trivialBesideHeavy] = await Promise.all([
        load(graphqlUrl, TRIVIAL, trivialKey),
        load(graphqlUrl, UNIFIED, unifiedKey),
      ]);
      rounds.push({ bareTrivial, trivial, unified, trivialBesideHeavy });
    }
    const phase = (name: keyof (typeof rounds)[number]): Figures => ({
      requestsPerSecond: median(rounds.map((round) => round[name].requestsPerSecond)),
      p50Ms: median(rounds.map((round) => round[name].p50Ms)),
      p99Ms: median(rounds.map((round) => round[name].p99Ms)),
      errors: Math.max(...rounds.map((round) => round[name].errors)),
      non2xx: Math.max(...rounds.map((round) => round[name].non2xx)),
    });
    const [bareTrivial, trivial, unified, trivialBesideHeavy] = (
      ['bareTrivial', 'trivial', 'unified', 'trivialBesideHeavy'] as const
    ).map(phase);
    const results = {
      target: testTarget,
      seconds: SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      bareTrivial,
      trivial,
      unified,
      trivialBesideHeavy,
      // Ratios within each round (the machine's speed is the same across its phases), then their median.
      trivialRatioToBare: median(
        rounds.map((round) => round.trivial.requestsPerSecond / round.bareTrivial.requestsPerSecond),
        2,
      ),
      p99BesideHeavyRatio: median(
        rounds.map((round) => round.trivialBesideHeavy.p99Ms / Math.max(round.trivial.p99Ms, 1)),
        2,
      ),
      perRound: rounds,
    };
    console.table({ bareTrivial, trivial, unified, trivialBesideHeavy });
    console.log(
      `trivial / bare: ${results.trivialRatioToBare}×   trivial p99 beside heavy / alone: ${results.p99BesideHeavyRatio}×`,
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `http-${testTarget}.json`), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await bare.close();
    await gateway.close();
  }
}

/** Between phases: the per-key concurrency counts a key as busy for a second after its last operation. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_500));
}

function median(values: number[], decimals = 0): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Number(value.toFixed(decimals));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
