import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createLogger } from '../../src/logger';
import { CursorExpiredError, StreamInterruptedError } from '../../src/modules/events/events.errors';
import { EventsService, type DeliveredEvent } from '../../src/modules/events/events.service';
import { MemoryMessaging } from '../../src/pubsub/memory-messaging';
import { ConnectionsDocument, RevokeConsentDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { eventually, settle, subscribe } from '../support/subscriptions';
import { withOwnDatabase } from '../support/own-database';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

type Line = { line: number };
const TOPIC = 'stream-test';

/** A DataSource that counts the outbox page reads and can be told to fail the next ones. */
function instrumented(dataSource: DataSource) {
  const state = { pageReads: 0, failNext: 0 };
  const wrapped = Object.create(dataSource) as DataSource;
  wrapped.query = (async (sql: string, parameters?: unknown[]) => {
    if (sql.includes('outbox_horizon h')) {
      state.pageReads += 1;
      if (state.failNext > 0) {
        state.failNext -= 1;
        throw new Error('connection terminated unexpectedly');
      }
    }
    return dataSource.query(sql, parameters);
  }) as DataSource['query'];
  return { dataSource: wrapped, state };
}

function eventsOn(dataSource: DataSource, now?: () => Date) {
  return new EventsService(dataSource, new MemoryMessaging(), createLogger('silent'), now);
}

async function append(events: EventsService, ownerId: string, lines: number[]): Promise<void> {
  const appended = await gateway.dataSource.transaction((manager) =>
    events.appendMany(
      manager,
      TOPIC,
      ownerId,
      lines.map((line) => ({ line })),
    ),
  );
  await events.publish(appended);
}

async function take(
  stream: AsyncIterableIterator<DeliveredEvent<Line>>,
  count: number,
): Promise<DeliveredEvent<Line>[]> {
  const delivered: DeliveredEvent<Line>[] = [];
  while (delivered.length < count) {
    const next = await stream.next();
    if (next.done) break;
    delivered.push(next.value);
  }
  return delivered;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);
const onServices = testTarget === 'services' ? it : it.skip;

describe('the event stream', () => {
  onServices('never lets a reader that saw a later cursor miss an earlier one that commits after it', async () => {
    const events = eventsOn(gateway.dataSource);
    const ownerId = randomUUID();
    const stream = events.subscribe<Line>(TOPIC, ownerId, null);
    const received = take(stream, 4);
    await settle(100);

    // The first writer appends and holds its transaction open; the second one starts while it is open.
    const runner = gateway.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await events.appendMany(runner.manager, TOPIC, ownerId, [{ line: 1 }, { line: 2 }]);
    let secondNumbered = false;
    const second = gateway.dataSource
      .transaction(async (manager) => {
        const appended = await events.appendMany(manager, TOPIC, ownerId, [{ line: 3 }, { line: 4 }]);
        secondNumbered = true;
        return appended;
      })
      .then((appended) => events.publish(appended));
    await settle(300);
    // The second writer cannot draw a number, let alone commit, before the first one commits.
    expect(secondNumbered).toBe(false);

    await runner.commitTransaction();
    await runner.release();
    await events.publish([{ topic: TOPIC, ownerId }]);
    await second;
    const delivered = await received;
    expect(delivered.map((event) => event.payload.line)).toEqual([1, 2, 3, 4]);
    const cursors = delivered.map((event) => BigInt(event.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
    await stream.return?.();
    await events.close();
  });

  it('reads one page of new events once for all its live subscribers, whatever their number', async () => {
    const { dataSource, state } = instrumented(gateway.dataSource);
    const events = eventsOn(dataSource);
    const ownerId = randomUUID();
    const streams = range(0, 50).map(() => events.subscribe<Line>(TOPIC, ownerId, null));
    const first = streams.map((stream) => stream.next());
    await settle(100);
    const readsBefore = state.pageReads;

    await append(events, ownerId, [7]);
    const delivered = await Promise.all(first);
    expect(delivered.map((result) => result.value?.payload.line)).toEqual(range(0, 50).map(() => 7));
    expect(state.pageReads - readsBefore).toBe(1);
    await Promise.all(streams.map((stream) => stream.return?.()));
    await events.close();
  });

  it('retries a page it could not read, and delivers every event once and in order', async () => {
    const { dataSource, state } = instrumented(gateway.dataSource);
    const events = eventsOn(dataSource);
    const ownerId = randomUUID();
    await append(events, ownerId, range(0, 1_200));
    const stream = events.subscribe<Line>(TOPIC, ownerId, '0');
    const start = await take(stream, 600);
    state.failNext = 2;
    const rest = await take(stream, 600);
    expect([...start, ...rest].map((event) => event.payload.line)).toEqual(range(0, 1_200));
    await stream.return?.();
    await events.close();
  });

  it('ends with an error naming the last delivered cursor when the store stays unreadable, and resumes from it without a gap', async () => {
    const { dataSource, state } = instrumented(gateway.dataSource);
    const events = eventsOn(dataSource);
    const ownerId = randomUUID();
    await append(events, ownerId, range(0, 1_200));
    const stream = events.subscribe<Line>(TOPIC, ownerId, '0');
    const start = await take(stream, 500);
    state.failNext = 100;
    // A page already read ahead is still delivered; the stream ends at the first page it cannot read.
    let failure: unknown = null;
    while (!failure) {
      const next = await stream.next().catch((error: unknown) => error);
      if (next instanceof Error) failure = next;
      else start.push((next as IteratorResult<DeliveredEvent<Line>>).value as DeliveredEvent<Line>);
    }
    expect(start.length).toBeLessThan(1_200);
    expect(failure).toBeInstanceOf(StreamInterruptedError);
    expect((failure as StreamInterruptedError).resumeAfter).toBe(start.at(-1)!.cursor);
    expect((failure as Error).message).toContain(start.at(-1)!.cursor);

    state.failNext = 0;
    const resumed = events.subscribe<Line>(TOPIC, ownerId, (failure as StreamInterruptedError).resumeAfter);
    const rest = await take(resumed, 1_200 - start.length);
    expect([...start, ...rest].map((event) => event.payload.line)).toEqual(range(0, 1_200));
    await resumed.return?.();
    await events.close();
  });

  it('hands a live subscriber that falls behind the rest from the store, without a gap', async () => {
    const events = eventsOn(gateway.dataSource);
    const ownerId = randomUUID();
    const stream = events.subscribe<Line>(TOPIC, ownerId, null);
    const first = stream.next();
    await settle(100);
    for (let batch = 0; batch < 6; batch += 1) await append(events, ownerId, range(batch * 500, 500));
    const delivered = [(await first).value as DeliveredEvent<Line>, ...(await take(stream, 2_999))];
    expect(delivered.map((event) => event.payload.line)).toEqual(range(0, 3_000));
    await stream.return?.();
    await events.close();
  });

  // A database of its own: the sweep is global, and the shared test database holds other files' live streams.
  onServices(
    'answers a cursor older than the retention period with CURSOR_EXPIRED, and "0" with the oldest event kept',
    async () => {
      await withOwnDatabase(async (dataSource) => {
        let offsetDays = 0;
        const events = eventsOn(dataSource, () => new Date(Date.now() + offsetDays * 86_400_000));
        const ownerId = randomUUID();
        const appendOwn = async (lines: number[]) => {
          await dataSource.transaction((manager) =>
            events.appendMany(
              manager,
              TOPIC,
              ownerId,
              lines.map((line) => ({ line })),
            ),
          );
        };
        await appendOwn([0, 1]);
        const [old] = await take(events.subscribe<Line>(TOPIC, ownerId, '0'), 1);
        offsetDays = 31;
        expect(await events.sweep(30)).toBe(1);
        offsetDays = 0;
        await appendOwn([2]);
        expect(await events.sweep(30)).toBe(0);

        const expired = events.subscribe<Line>(TOPIC, ownerId, old.cursor);
        await expect(expired.next()).rejects.toBeInstanceOf(CursorExpiredError);
        const fromStart = events.subscribe<Line>(TOPIC, ownerId, '0');
        expect((await take(fromStart, 1)).map((event) => event.payload.line)).toEqual([2]);
        await fromStart.return?.();
        await events.close();
      });
    },
  );
});

describe('transactionChanged after a purge', () => {
  it('replays from "0" with a cursor and a transaction on every event, skipping the purged lines', async () => {
    const owner = await gateway.makeOwner();
    const kept = await connectSandbox(gateway, owner.apiKey, 'Sandbox STET Bank', { validForDays: 180 });
    const purged = await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
    await gateway.jobs.whenIdle();
    const connections = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections;
    expect(connections).toHaveLength(2);
    await gateway.graphql(RevokeConsentDocument, { id: purged.consentId, purge: true }, owner.apiKey);

    const [{ count }] = (await gateway.dataSource.query(
      `SELECT count(*)::int AS count FROM "transaction" t JOIN account a ON a.id = t.account_id JOIN consent c ON c.connection_id = a.connection_id WHERE c.id = $1`,
      [kept.consentId],
    )) as Array<{ count: number }>;
    expect(count).toBeGreaterThan(0);
    const changes = subscribe<{ transactionChanged: { cursor: string; kind: string; transaction: { id: string } } }>(
      gateway.url,
      owner.apiKey,
      'subscription { transactionChanged(after: "0") { cursor kind transaction { id } } }',
    );
    await eventually(() => expect(changes.received.length).toBeGreaterThanOrEqual(count));
    await settle(300);
    changes.close();
    expect(changes.errors).toEqual([]);
    expect(
      changes.received.every((event) => event.transactionChanged.cursor && event.transactionChanged.transaction.id),
    ).toBe(true);
    expect(new Set(changes.received.map((event) => event.transactionChanged.transaction.id)).size).toBe(count);
  });
});
