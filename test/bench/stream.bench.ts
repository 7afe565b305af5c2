/**
 * `npm run bench:stream`: the transaction stream's speed, on the real PostgreSQL and Redis of the tests.
 *
 * - Replay: events/s of a replay from "0" (the events service alone, and a GraphQL client over WebSocket reading
 *   `transactionChanged`) beside a plain SELECT of the same rows, each the median of 5 rounds after a warm-up round.
 *   Targets: ≥ 5,000 events/s and ≥ 0.2 × the SELECT.
 * - Fan-out: one new transaction to 1,000 and 5,000 idle `transactionAdded` subscribers (delivery latency p50/p99/max
 *   over 3 events, gateway heap per subscriber) beside a raw `ws` broadcast to as many clients. Target: p99 < 1 s at
 *   5,000.
 * The WebSocket clients run in a process of their own (stream-clients.ts), as a real client would: the gateway is
 * measured alone.
 *
 * Prints tables and writes test/bench/results/stream.json.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import { createLogger } from '../../src/logger';
import { Account, AccountType } from '../../src/modules/accounts/account.entity';
import { Connection } from '../../src/modules/connections/connection.entity';
import { EventsService } from '../../src/modules/events/events.service';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { TRANSACTION_TOPIC } from '../../src/modules/sync/sync.service';
import { Transaction, TransactionStatus } from '../../src/modules/transactions/transaction.entity';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { feed } from './bench-lines';

const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 10_000);
const REPLAY_ROUNDS = 5;
const FAN_OUT = (process.env.BENCH_FAN_OUT ?? '1000,5000').split(',').filter(Boolean).map(Number);
const MEASURED_EVENTS = 3;

async function main(): Promise<void> {
  // Every fan-out client subscribes with the one owner key: lift the per-key and per-socket caps past the largest run.
  const most = String(Math.max(...FAN_OUT, 1) + 100);
  const gateway = await startTestGateway({
    env: { MAX_SUBSCRIPTIONS_PER_KEY: most, MAX_SUBSCRIPTIONS_PER_SOCKET: most },
  });
  try {
    const owner = await gateway.makeOwner();
    const account = await makeAccount(gateway, owner.id);
    const replay = await measureReplay(gateway, owner, account);
    console.table([replay]);
    const fanOut = [];
    for (const subscribers of FAN_OUT) {
      fanOut.push(await measureGraphqlFanOut(gateway, owner, account, subscribers));
      fanOut.push(await measureRawFanOut(subscribers));
      console.table(fanOut);
    }
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stream.json'), JSON.stringify({ measure: 'stream', replay, fanOut }, null, 2));
  } finally {
    await gateway.close();
  }
}

async function makeAccount(gateway: TestGateway, ownerId: string): Promise<Account> {
  const institution = await gateway.dataSource
    .getRepository(Institution)
    .findOneByOrFail({ slug: 'sandbox-berlin-group' });
  const connection = await gateway.dataSource
    .getRepository(Connection)
    .save({ ownerId, institutionId: institution.id });
  return gateway.dataSource.getRepository(Account).save({
    connectionId: connection.id,
    institutionId: institution.id,
    ownerId,
    providerAccountId: randomUUID(),
    iban: null,
    name: 'bench',
    currency: 'EUR',
    type: AccountType.CURRENT,
  });
}

async function measureReplay(gateway: TestGateway, owner: { id: string; apiKey: string }, account: Account) {
  await gateway.sync.syncAccount(account, { historyDays: 400 }, async () => feed(REPLAY_EVENTS, new Date()));
  const events = new EventsService(gateway.dataSource, gateway.messaging, createLogger('silent'));

  const serviceReplay = () =>
    timed(async () => {
      const stream = events.subscribe(TRANSACTION_TOPIC, owner.id, '0', () => true, {
        entity: Transaction,
        key: 'transactionId',
      });
      for (let read = 0; read < REPLAY_EVENTS; read += 1) await stream.next();
      await stream.return?.();
    });
  const select = () =>
    timed(() =>
      gateway.dataSource.query('SELECT * FROM "transaction" WHERE owner_id = $1 ORDER BY date, id', [owner.id]),
    );
  const graphqlReplay = () => replayOverWebSocket(gateway, owner.apiKey);
  // A serving gateway is warm: one untimed round first, then the median of REPLAY_ROUNDS rounds of each.
  const medians = await medianOfRounds({ service: serviceReplay, graphql: graphqlReplay, select });
  await events.close();
  const perSecond = (ms: number) => Math.round((REPLAY_EVENTS / ms) * 1000);
  return {
    events: REPLAY_EVENTS,
    rounds: REPLAY_ROUNDS,
    serviceEventsPerSecond: perSecond(medians.service),
    graphqlEventsPerSecond: perSecond(medians.graphql),
    selectRowsPerSecond: perSecond(medians.select),
    graphqlToSelect: Number((medians.select / medians.graphql).toFixed(3)),
  };
}

/** The time a client in its own process takes to receive every event, from its subscribe to its last event. */
async function replayOverWebSocket(gateway: TestGateway, apiKey: string): Promise<number> {
  const client = await startClients([
    'replay',
    String(REPLAY_EVENTS),
    `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    apiKey,
  ]);
  try {
    const [elapsedMs] = (await client.result('replay', 120_000)) ?? [];
    if (elapsedMs === undefined) throw new Error('the replay client did not receive every event within two minutes');
    return elapsedMs;
  } finally {
    client.stop();
  }
}

async function measureGraphqlFanOut(
  gateway: TestGateway,
  owner: { id: string; apiKey: string },
  account: Account,
  subscribers: number,
) {
  const events = new EventsService(gateway.dataSource, gateway.messaging, createLogger('silent'));
  const emit = (label: string) => emitTransaction(gateway, events, account, label);
  const heapBefore = heapUsed();
  const clients = await startClients([
    'graphql',
    String(subscribers),
    `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    owner.apiKey,
  ]);
  try {
    // Subscriptions go live asynchronously: warm up until one event has reached every client.
    for (let warm = 0; ; warm += 1) {
      if (warm === 40) throw new Error(`the ${subscribers} subscriptions never all went live`);
      await emit(`warm${warm}`);
      if (await clients.result(`warm${warm}`, 3_000)) break;
    }
    const heapPerSubscriber = (heapUsed() - heapBefore) / subscribers;
    const latencies: number[] = [];
    for (let event = 0; event < MEASURED_EVENTS; event += 1) {
      await emit(`measure${event}`);
      latencies.push(...((await clients.result(`measure${event}`, 60_000)) ?? []));
    }
    return {
      path: 'graphql transactionAdded',
      subscribers,
      ...percentiles(latencies),
      heapKbPerSubscriber: Math.round(heapPerSubscriber / 1024),
    };
  } finally {
    clients.stop();
    await events.close();
  }
}

async function measureRawFanOut(subscribers: number) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const clients = await startClients(['raw', String(subscribers), `ws://127.0.0.1:${port}`]);
  try {
    while (server.clients.size < subscribers) await new Promise((resolve) => setTimeout(resolve, 50));
    const latencies: number[] = [];
    for (let event = 0; event < MEASURED_EVENTS; event += 1) {
      const message = `measure${event}@${Date.now()}`;
      for (const socket of server.clients) socket.send(message);
      latencies.push(...((await clients.result(`measure${event}`, 60_000)) ?? []));
    }
    return { path: 'raw ws broadcast', subscribers, ...percentiles(latencies), heapKbPerSubscriber: null };
  } finally {
    clients.stop();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A new line and its ADDED event, committed together as a sync writes them; the send time rides in the remittance. */
async function emitTransaction(
  gateway: TestGateway,
  events: EventsService,
  account: Account,
  label: string,
): Promise<void> {
  const id = randomUUID();
  const appended = await gateway.dataSource.transaction(async (manager) => {
    await manager.insert(Transaction, {
      id,
      accountId: account.id,
      ownerId: account.ownerId,
      providerTransactionId: id,
      status: TransactionStatus.BOOKED,
      amount: '12.34',
      currency: 'EUR',
      date: new Date().toISOString().slice(0, 10),
      remittanceInformation: `${label}@${Date.now()}`,
      fingerprint: id,
    });
    return events.append(manager, TRANSACTION_TOPIC, account.ownerId, {
      kind: 'ADDED',
      transactionId: id,
      accountId: account.id,
    });
  });
  await events.publish([appended]);
}

async function startClients(args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'stream-clients.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=2048' },
    },
  );
  const results = new Map<string, number[]>();
  const waiters = new Map<string, (latencies: number[]) => void>();
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => (opened = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'opened') return opened();
    const { label, latencies, failed } = JSON.parse(line) as { label: string; latencies: number[]; failed: number };
    results.set(label, latencies);
    if (failed > 0) console.warn(`${failed} of ${args[1]} clients could not connect`);
    waiters.get(label)?.(latencies);
  });
  await openedPromise;
  return {
    result: (label: string, timeoutMs: number) =>
      new Promise<number[] | null>((resolve) => {
        const known = results.get(label);
        if (known) return resolve(known);
        const timer = setTimeout(() => resolve(null), timeoutMs);
        waiters.set(label, (latencies) => {
          clearTimeout(timer);
          resolve(latencies);
        });
      }),
    stop: () => child.kill('SIGTERM'),
  };
}

function percentiles(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
  return { deliveries: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) };
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Runs each measure once untimed, then REPLAY_ROUNDS times in turn, and returns each one's median milliseconds. */
async function medianOfRounds<K extends string>(
  measures: Record<K, () => Promise<number>>,
): Promise<Record<K, number>> {
  const names = Object.keys(measures) as K[];
  for (const name of names) await measures[name]();
  const rounds = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < REPLAY_ROUNDS; round += 1) {
    for (const name of names) rounds.get(name)!.push(await measures[name]());
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return Object.fromEntries(names.map((name) => [name, median(rounds.get(name)!)])) as Record<K, number>;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
