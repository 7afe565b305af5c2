import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { MemoryMessaging } from '../../src/pubsub/memory-messaging';
import type { Messaging } from '../../src/pubsub/messaging';
import { RedisMessaging } from '../../src/pubsub/redis-messaging';
import { TEST_REDIS_URL } from '../support/services';

function nextMessage(
  messaging: Messaging,
  channel: string,
): Promise<{ message: Promise<string>; stop: () => Promise<void> }> {
  let resolve!: (message: string) => void;
  const message = new Promise<string>((done) => (resolve = done));
  return messaging.subscribe(channel, resolve).then((stop) => ({ message, stop }));
}

const silent = createLogger('silent');

/** The same contract holds for both implementations; the Redis one must also cross process boundaries. */
describe.each([
  [
    'in memory',
    async () => {
      const bus = new MemoryMessaging();
      return [bus, bus] as const;
    },
  ],
  [
    'on Redis, across two gateway instances',
    async () => {
      const prefix = `passerelle-test:${randomUUID()}:`;
      return [
        await RedisMessaging.connect(TEST_REDIS_URL, prefix, silent),
        await RedisMessaging.connect(TEST_REDIS_URL, prefix, silent),
      ] as const;
    },
  ],
])('messaging %s', (_name, connect) => {
  let publisher: Messaging;
  let subscriber: Messaging;

  beforeEach(async () => {
    [publisher, subscriber] = await connect();
  });
  afterEach(async () => {
    await publisher.close();
    if (subscriber !== publisher) await subscriber.close();
  });

  it('delivers a published message to every subscriber of the channel and to no other channel', async () => {
    const first = await nextMessage(subscriber, 'transactions');
    const second = await nextMessage(subscriber, 'transactions');
    const other: string[] = [];
    const stopOther = await subscriber.subscribe('payments', (message) => other.push(message));
    await publisher.publish('transactions', '{"seq":1}');
    await expect(first.message).resolves.toBe('{"seq":1}');
    await expect(second.message).resolves.toBe('{"seq":1}');
    expect(other).toEqual([]);
    await Promise.all([first.stop(), second.stop(), stopOther()]);
  });

  it('stops delivering once a subscriber unsubscribes', async () => {
    const received: string[] = [];
    const stop = await subscriber.subscribe('events', (message) => received.push(message));
    await stop();
    const witness = await nextMessage(subscriber, 'events');
    await publisher.publish('events', 'after');
    await witness.message;
    expect(received).toEqual([]);
    await witness.stop();
  });

  it('caches a value until it expires or is deleted', async () => {
    const key = `budget:${randomUUID()}`;
    await publisher.cacheSet(key, '3', 60);
    await expect(subscriber.cacheGet(key)).resolves.toBe('3');
    await publisher.cacheDelete(key);
    await expect(subscriber.cacheGet(key)).resolves.toBeNull();
    await publisher.cacheSet(key, '2', 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(subscriber.cacheGet(key)).resolves.toBeNull();
  });

  it('reads several cached values at once, each in the place of its key, and null where nothing is cached', async () => {
    const [first, missing, second] = [randomUUID(), randomUUID(), randomUUID()].map((id) => `balances:${id}`);
    await publisher.cacheSet(first!, 'one', 60);
    await publisher.cacheSet(second!, 'two', 60);
    await expect(subscriber.cacheGetMany([second!, missing!, first!])).resolves.toEqual(['two', null, 'one']);
    await expect(subscriber.cacheGetMany([])).resolves.toEqual([]);
    await Promise.all([publisher.cacheDelete(first!), publisher.cacheDelete(second!)]);
  });

  it('counts up atomically, keeping the first expiry, so a budget window never slides', async () => {
    const key = `budget:${randomUUID()}`;
    const counts = await Promise.all(
      [publisher, subscriber, publisher, subscriber].map((bus) => bus.cacheIncrement(key, 1)),
    );
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    await expect(subscriber.cacheGet(key)).resolves.toBe('4');
    await new Promise((resolve) => setTimeout(resolve, 600));
    await publisher.cacheIncrement(key, 60);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(subscriber.cacheGet(key)).resolves.toBeNull();
    await expect(publisher.cacheIncrement(key, 60)).resolves.toBe(1);
  });

  it('answers a ping while it is up', async () => {
    await expect(publisher.ping()).resolves.toBeUndefined();
  });
});

describe('Redis messaging', () => {
  it('keeps deployments with different prefixes apart on one Redis', async () => {
    const a = await RedisMessaging.connect(TEST_REDIS_URL, `passerelle-test:${randomUUID()}:`, silent);
    const b = await RedisMessaging.connect(TEST_REDIS_URL, `passerelle-test:${randomUUID()}:`, silent);
    const leaked: string[] = [];
    const stop = await b.subscribe('events', (message) => leaked.push(message));
    const own = await nextMessage(a, 'events');
    await a.publish('events', 'for a only');
    await own.message;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(leaked).toEqual([]);
    await a.cacheSet('k', 'a', 60);
    await expect(b.cacheGet('k')).resolves.toBeNull();
    await Promise.all([stop(), own.stop()]);
    await Promise.all([a.close(), b.close()]);
  });
});
