import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../../src/common/errors';
import { runMigrations } from '../../src/db/data-source';
import { createLogger } from '../../src/logger';
import { EventsService, type DeliveredEvent } from '../../src/modules/events/events.service';
import { MemoryMessaging } from '../../src/pubsub/memory-messaging';
import { subscribe, eventually } from '../support/subscriptions';
import { withOwnDatabase } from '../support/own-database';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;
let events: EventsService;

beforeAll(async () => {
  gateway = await startTestGateway();
  events = new EventsService(gateway.dataSource, new MemoryMessaging(), createLogger('silent'));
});
afterAll(() => gateway?.close());

/** What a first sync appends: many events of one owner and topic in one transaction. */
async function appendLines(ownerId: string, count: number): Promise<void> {
  const payloads = Array.from({ length: count }, (_, line) => ({ line }));
  const appended = await gateway.dataSource.transaction((manager) =>
    events.appendMany(manager, 'transaction', ownerId, payloads),
  );
  await events.publish(appended);
}

/** Reads the next `count` events of a subscription, leaving it open. */
async function take(
  stream: AsyncIterableIterator<DeliveredEvent<{ line: number }>>,
  count: number,
): Promise<DeliveredEvent<{ line: number }>[]> {
  const delivered: DeliveredEvent<{ line: number }>[] = [];
  while (delivered.length < count) {
    const next = await stream.next();
    if (next.done) break;
    delivered.push(next.value);
  }
  return delivered;
}

describe('the event outbox', () => {
  it('replays a first sync of 1,234 lines from "0" in order, each event with its own consecutive cursor', async () => {
    const ownerId = randomUUID();
    await appendLines(ownerId, 1_234);
    const stream = events.subscribe<{ line: number }>('transaction', ownerId, '0');
    const delivered = await take(stream, 1_234);
    await stream.return?.();
    expect(delivered.map((event) => event.payload.line)).toEqual(Array.from({ length: 1_234 }, (_, line) => line));
    const cursors = delivered.map((event) => BigInt(event.cursor));
    expect(cursors.every((cursor, index) => index === 0 || cursor === cursors[index - 1] + 1n)).toBe(true);
  });

  it('resumes from a cursor in the middle of a sync with exactly the events after it, then live ones', async () => {
    const ownerId = randomUUID();
    await appendLines(ownerId, 1_234);
    const firstConnection = events.subscribe<{ line: number }>('transaction', ownerId, '0');
    const firstPass = await take(firstConnection, 700);
    await firstConnection.return?.();
    const resumed = events.subscribe<{ line: number }>('transaction', ownerId, firstPass[699].cursor);
    const replayed = await take(resumed, 534);
    expect(replayed.map((event) => event.payload.line)).toEqual(Array.from({ length: 534 }, (_, index) => 700 + index));

    await appendLines(ownerId, 3);
    const live = await take(resumed, 3);
    expect(live.map((event) => event.payload.line)).toEqual([0, 1, 2]);
    expect(BigInt(live[0].cursor)).toBe(BigInt(replayed[533].cursor) + 1n);
    await resumed.return?.();
  });

  it('keeps each owner to its own events even when their syncs interleave', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await Promise.all([appendLines(first, 600), appendLines(second, 600), appendLines(first, 2)]);
    const read = async (ownerId: string, count: number) => {
      const stream = events.subscribe<{ line: number }>('transaction', ownerId, '0');
      const delivered = await take(stream, count);
      await stream.return?.();
      return delivered.map((event) => event.payload.line);
    };
    expect(await read(second, 600)).toEqual(Array.from({ length: 600 }, (_, line) => line));
    // The owner's two appends may commit in either order, but each one's events stay together and in order.
    const firstOwners = await read(first, 602);
    expect([firstOwners.slice(0, 2), firstOwners.slice(600)]).toContainEqual([0, 1]);
    expect(firstOwners.filter((line) => line > 1)).toEqual(Array.from({ length: 598 }, (_, index) => index + 2));
  });

  it('refuses a cursor it never issued, naming the field', () => {
    expect(() => events.subscribe('transaction', randomUUID(), '12abc')).toThrow(InvalidInputError);
    expect(() => events.subscribe('transaction', randomUUID(), '-1')).toThrow(/after is not a cursor/);
  });

  it('answers a subscription with a malformed cursor with BAD_USER_INPUT on `after`', async () => {
    const owner = await gateway.makeOwner();
    const subscription = subscribe(
      gateway.url,
      owner.apiKey,
      'subscription($after: String) { transactionAdded(after: $after) { cursor } }',
      {
        after: 'not-a-cursor',
      },
    );
    await eventually(() => expect(subscription.errors).toHaveLength(1));
    expect(subscription.errors[0]).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) }),
    ]);
    subscription.close();
  });
});

describe('moving the outbox to batches (migration OutboxBatches)', () => {
  // A database of its own: the migration is run down and up again, which the shared test database must not see.
  const onServices = testTarget === 'services' ? it : it.skip;

  onServices(
    'keeps every stored event under the cursor clients already hold, and numbers new ones after them',
    async () => {
      await withOwnDatabase(async (dataSource) => {
        // Back to the schema before batches, however many migrations come after it.
        const hasEventTable = async () =>
          (
            (await dataSource.query(`SELECT to_regclass('outbox_event') IS NOT NULL AS present`)) as Array<{
              present: boolean;
            }>
          )[0].present;
        while (!(await hasEventTable())) await dataSource.undoLastMigration();
        const ownerId = randomUUID();
        const old = (await dataSource.query(
          `INSERT INTO outbox_event (topic, owner_id, payload) SELECT 'transaction', $1, json_build_object('line', n) FROM generate_series(0, 2) n RETURNING sequence`,
          [ownerId],
        )) as Array<{ sequence: string }>;
        await runMigrations(dataSource);

        const migrated = new EventsService(dataSource, new MemoryMessaging(), createLogger('silent'));
        await dataSource.transaction((manager) =>
          migrated.appendMany(manager, 'transaction', ownerId, [{ line: 3 }, { line: 4 }]),
        );
        const stream = migrated.subscribe<{ line: number }>('transaction', ownerId, old[0].sequence);
        const resumed = await take(stream, 4);
        await stream.return?.();
        await migrated.close();
        expect(resumed.map((event) => [event.cursor, event.payload.line])).toEqual([
          [old[1].sequence, 1],
          [old[2].sequence, 2],
          [String(BigInt(old[2].sequence) + 1n), 3],
          [String(BigInt(old[2].sequence) + 2n), 4],
        ]);
      });
    },
  );
});
