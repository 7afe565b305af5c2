import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { createLogger } from '../logger';
import { TEST_REDIS_URL } from '../../test/support/services';
import { RedisKeyLocks } from './key-locks';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('exclusive job locks on Redis', () => {
  let client: RedisClientType;
  let prefix: string;

  beforeEach(async () => {
    client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    prefix = `passerelle-test:${randomUUID()}:job-lock:`;
  });
  afterEach(async () => {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) if (keys.length) await client.del(keys);
    await client.close();
  });

  const locks = (ttlMs: number) => new RedisKeyLocks(client, prefix, ttlMs, createLogger('silent'));

  it('keeps a lock held past its lifetime while its job runs, and frees it on release', async () => {
    const worker = locks(150);
    const held = await worker.acquire('consent:c-1');
    expect(held).not.toBeNull();
    await sleep(400);
    await expect(locks(150).acquire('consent:c-1')).resolves.toBeNull();
    const otherConsent = await locks(150).acquire('consent:c-2');
    expect(otherConsent).not.toBeNull();
    await held!.release();
    const next = await locks(150).acquire('consent:c-1');
    expect(next).not.toBeNull();
    await Promise.all([otherConsent!.release(), next!.release()]);
  });

  it('frees the lock of a worker that died once its lifetime ends', async () => {
    // What a dead worker leaves behind: the lock with no one to extend it.
    await client.set(`${prefix}consent:c-1`, 'dead-worker', { expiration: { type: 'PX', value: 200 } });
    await expect(locks(200).acquire('consent:c-1')).resolves.toBeNull();
    await sleep(250);
    const taken = await locks(200).acquire('consent:c-1');
    expect(taken).not.toBeNull();
    await taken!.release();
  });

  it('never frees a lock that expired and was taken by another worker', async () => {
    const slow = await locks(1_000).acquire('consent:c-1');
    // The slow worker's lock expires (as if its renewals could not reach Redis) and another worker takes the key.
    await client.del(`${prefix}consent:c-1`);
    const other = await locks(1_000).acquire('consent:c-1');
    await slow!.release();
    await expect(client.get(`${prefix}consent:c-1`)).resolves.not.toBeNull();
    await other!.release();
    await expect(client.get(`${prefix}consent:c-1`)).resolves.toBeNull();
  });
});
