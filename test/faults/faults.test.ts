import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Decimal from 'decimal.js';
import { IsNull, MoreThanOrEqual } from 'typeorm';
import { createLogger } from '../../src/logger';
import { Account } from '../../src/modules/accounts/account.entity';
import { EventsService, type DeliveredEvent } from '../../src/modules/events/events.service';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import { SeededRandom } from '../../src/sandbox/random';
import { ConnectionsDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { TEST_DATABASE_URL } from '../support/services';
import { startTestGateway, TEST_ENCRYPTION_KEY, testTarget, type TestGateway } from '../support/test-gateway';
import { bankAccess } from './bank-access';

/**
 * The fault suite (`npm run test:faults` runs it in full): sync cycles against the unreliable sandbox bank under
 * server errors, 429s with Retry-After, truncated bodies, latency spikes and a worker process killed with SIGKILL
 * mid-sync, after which the stored lines must equal the bank's ledger; and subscribers forced to reconnect while
 * writers append, who must receive every event once. Under plain `jest` (and CI) it runs a short form.
 */
const SYNC_CYCLES = Number(process.env.FAULT_SYNC_CYCLES ?? 10);
const RECONNECTS = Number(process.env.FAULT_RECONNECTS ?? 20);
/** One cycle in this many hands the sync to a worker process that is killed mid-sync. */
const KILL_EVERY = Number(process.env.FAULT_KILL_EVERY ?? 5);
const PSU = { ipAddress: '203.0.113.9' };

let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let gateway: TestGateway;

const onServices = testTarget === 'services' ? describe : describe.skip;

beforeAll(async () => {
  if (testTarget === 'services') gateway = await startTestGateway({ now });
});
afterAll(() => gateway?.close());

onServices('the fault suite', () => {
  it(
    `keeps the stored lines equal to the bank's ledger through ${SYNC_CYCLES} faulty sync cycles and killed workers`,
    async () => {
      const owner = await gateway.makeOwner();
      await connectSandbox(gateway, owner.apiKey, 'Sandbox Unreliable Bank', { validForDays: 180 });
      await gateway.jobs.whenIdle();
      const connectionId = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections[0].id;
      const random = new SeededRandom('fault suite');
      const outcomes = { SUCCEEDED: 0, FAILED: 0, killed: 0, workerFinishedFirst: 0 };
      gateway.sandbox!.clearRequests();
      const started = Date.now();

      for (let cycle = 1; cycle <= SYNC_CYCLES; cycle += 1) {
        offsetMs += 2 * 60 * 60 * 1000;
        gateway.sandbox!.setFaults('flaky', rollFaults(random));
        if (cycle % KILL_EVERY === 0) {
          const finished = await syncInWorkerKilledMidway(connectionId, random.int(0, 400));
          outcomes[finished ? 'workerFinishedFirst' : 'killed'] += 1;
        } else {
          outcomes[(await gateway.sync.syncConnection(connectionId, PSU)).state as 'SUCCEEDED' | 'FAILED'] += 1;
        }
      }
      gateway.sandbox!.resetFaults();
      const final = await gateway.sync.syncConnection(connectionId, PSU);
      const statuses = gateway.sandbox!.requests('flaky').map((request) => request.status);
      const { lost, extra, compared } = await compareWithLedger(connectionId);

      printFigures('fault suite: sync cycles', {
        cycles: SYNC_CYCLES,
        'bank requests': statuses.length,
        '5xx answered': statuses.filter((status) => (status ?? 0) >= 500).length,
        '429 answered': statuses.filter((status) => status === 429).length,
        'syncs succeeded': outcomes.SUCCEEDED,
        'syncs failed (bank error)': outcomes.FAILED,
        'workers killed mid-sync': outcomes.killed,
        'workers done before the kill': outcomes.workerFinishedFirst,
        'lines compared': compared,
        lost: lost.length,
        'duplicates or extra': extra.length,
        seconds: Math.round((Date.now() - started) / 1000),
      });
      expect(final.state).toBe('SUCCEEDED');
      expect(compared).toBeGreaterThan(50);
      expect(lost).toEqual([]);
      expect(extra).toEqual([]);
      expect(outcomes.killed + outcomes.workerFinishedFirst).toBeGreaterThan(0);
    },
    60_000 + SYNC_CYCLES * 3_000,
  );

  it(`delivers every event once and in order to a subscriber forced to reconnect ${RECONNECTS} times under concurrent writers`, async () => {
    const events = new EventsService(gateway.dataSource, gateway.messaging, createLogger('silent'));
    const ownerId = (await gateway.makeOwner()).id;
    const random = new SeededRandom('reconnects');
    const writers = 3;
    const perWriter = RECONNECTS * 20;
    const writing = Array.from({ length: writers }, (_, writer) =>
      writeEvents(events, ownerId, writer, perWriter, new SeededRandom('writer', writer)),
    );

    const received: DeliveredEvent<WrittenEvent>[] = [];
    let cursor = '0';
    let reconnects = 0;
    while (received.length < writers * perWriter) {
      const stream = events.subscribe<WrittenEvent>('faults', ownerId, cursor);
      const wanted = reconnects < RECONNECTS ? random.int(1, 40) : Number.MAX_SAFE_INTEGER;
      for (let taken = 0; taken < wanted && received.length < writers * perWriter; taken += 1) {
        const next = await stream.next();
        received.push(next.value as DeliveredEvent<WrittenEvent>);
        cursor = (next.value as DeliveredEvent<WrittenEvent>).cursor;
      }
      await stream.return?.();
      reconnects += 1;
    }
    await Promise.all(writing);
    // Nothing more may come after the last event written.
    const after = events.subscribe<WrittenEvent>('faults', ownerId, cursor);
    const extra = await Promise.race([
      after.next().then(() => 1),
      new Promise<number>((resolve) => setTimeout(() => resolve(0), 500)),
    ]);
    await after.return?.();
    await events.close();

    const keys = received.map((event) => `${event.payload.writer}:${event.payload.index}`);
    const missed = writers * perWriter - new Set(keys).size;
    const repeated = keys.length - new Set(keys).size + extra;
    printFigures('fault suite: reconnects', { writers, events: writers * perWriter, reconnects, missed, repeated });
    expect(reconnects).toBeGreaterThanOrEqual(RECONNECTS);
    expect(missed).toBe(0);
    expect(repeated).toBe(0);
    const cursors = received.map((event) => BigInt(event.cursor));
    expect(cursors.every((value, index) => index === 0 || value > cursors[index - 1])).toBe(true);
    for (let writer = 0; writer < writers; writer += 1) {
      const order = received.filter((event) => event.payload.writer === writer).map((event) => event.payload.index);
      expect(order).toEqual(Array.from({ length: perWriter }, (_, index) => index));
    }
  }, 120_000);
});

/** Per request the bank serves in a cycle: 10 % 5xx, 5 % 429 with Retry-After, 5 % truncated, 10 % a latency spike. */
function rollFaults(random: SeededRandom) {
  const requests = 6;
  const count = (percent: number) =>
    Array.from({ length: requests }, () => random.chance(percent)).filter(Boolean).length;
  return {
    serverError: count(10),
    serverErrorStatus: random.pick([500, 502, 503, 504] as const),
    tooManyRequests: { count: count(5), retryAfterSeconds: 1 },
    truncatedJson: count(5),
    latencyMs: random.chance(10) ? random.int(200, 800) : 0,
  };
}

/** Syncs in a worker process and kills it with SIGKILL some time after it starts. True when it finished first. */
async function syncInWorkerKilledMidway(connectionId: string, killAfterMs: number): Promise<boolean> {
  const root = path.join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'test/faults/sync-worker.ts', connectionId],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: TEST_DATABASE_URL,
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        SANDBOX_URL: `${gateway.url}/sandbox`,
        NOW_OFFSET_MS: String(offsetMs),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let finished = false;
  await new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'syncing') setTimeout(() => resolve(), killAfterMs);
      else finished = true;
    });
    child.once('exit', () => resolve());
  });
  child.kill('SIGKILL');
  await exited;
  return finished;
}

/** The bank's lines against the stored ones, inside the history window, as multisets of their identifying fields. */
async function compareWithLedger(connectionId: string) {
  const access = bankAccess(gateway.dataSource, `${gateway.url}/sandbox`, TEST_ENCRYPTION_KEY);
  const live = await access.forConnection(connectionId);
  const today = now().toISOString().slice(0, 10);
  // Well inside the window: its edge moves with the clock, and a line dated on it may be just in or just out.
  const from = new Date(now().getTime() - (live.consent.historyDays - 15) * 86_400_000).toISOString().slice(0, 10);
  const accounts = await gateway.dataSource.getRepository(Account).findBy({ connectionId });
  const bank: string[] = [];
  const stored: string[] = [];
  for (const account of accounts) {
    const page = await live.adapter.getTransactions(
      live.handle,
      account.providerAccountId,
      { dateFrom: from, dateTo: today, status: 'BOTH' },
      PSU,
    );
    for (const line of page.transactions) {
      if (line.date >= from)
        bank.push(lineKey(account.id, line.providerTransactionId, line.status, line.amount.amount, line.date));
    }
    const rows = await gateway.dataSource
      .getRepository(Transaction)
      .findBy({ accountId: account.id, removedAt: IsNull(), date: MoreThanOrEqual(from) });
    for (const row of rows)
      stored.push(lineKey(account.id, row.providerTransactionId, row.status, row.amount, row.date));
  }
  return { lost: minus(bank, stored), extra: minus(stored, bank), compared: bank.length };
}

function lineKey(accountId: string, bankId: string, status: string, amount: string, date: string): string {
  return [accountId, bankId, status, new Decimal(amount).toFixed(5), date].join('|');
}

/** What `a` holds more often than `b`. */
function minus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of b) counts.set(key, (counts.get(key) ?? 0) + 1);
  return a.filter((key) => {
    const left = counts.get(key) ?? 0;
    counts.set(key, left - 1);
    return left <= 0;
  });
}

interface WrittenEvent {
  writer: number;
  index: number;
}

/** One writer appending its events in small transactions of random sizes, as syncs and matches do. */
async function writeEvents(
  events: EventsService,
  ownerId: string,
  writer: number,
  total: number,
  random: SeededRandom,
): Promise<void> {
  for (let index = 0; index < total;) {
    const size = Math.min(random.int(1, 15), total - index);
    const payloads = Array.from({ length: size }, (_, offset) => ({ writer, index: index + offset }));
    const appended = await gateway.dataSource.transaction((manager) =>
      events.appendMany(manager, 'faults', ownerId, payloads),
    );
    await events.publish(appended);
    index += size;
    if (random.chance(30)) await new Promise((resolve) => setTimeout(resolve, random.int(1, 20)));
  }
}

function printFigures(title: string, figures: Record<string, number>): void {
  process.stdout.write(
    `\n${title}\n${Object.entries(figures)
      .map(([name, value]) => `  ${name.padEnd(30)} ${value}`)
      .join('\n')}\n`,
  );
}
