import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { createLogger } from '../logger';
import { deleteRedisKeys, TEST_REDIS_URL } from '../../test/support/services';
import type { JobRunner } from './job-runner';
import { MemoryJobRunner } from './memory-job-runner';
import { RedisJobRunner } from './redis-job-runner';

const silent = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Deployment {
  /** Every runner that works the queue: one in process, two sync workers sharing one Redis. */
  workers: JobRunner[];
  close(): Promise<void>;
}

async function inMemory(): Promise<Deployment> {
  const runner = new MemoryJobRunner(silent);
  return { workers: [runner], close: () => runner.close() };
}

async function onRedis(): Promise<Deployment> {
  const prefix = `passerelle-test:${randomUUID()}:`;
  const options = { url: TEST_REDIS_URL, prefix, logger: silent, busyRetryMs: 20 };
  const workers = [await RedisJobRunner.connect(options), await RedisJobRunner.connect(options)];
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await deleteRedisKeys(prefix);
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

describe.each([
  ['in process', inMemory],
  ['on Redis, with two workers', onRedis],
])('jobs %s', (_name, deploy) => {
  let deployment: Deployment;
  let runner: JobRunner;

  beforeEach(async () => {
    deployment = await deploy();
    runner = deployment.workers[0];
  });
  afterEach(async () => {
    await deployment.close();
  });

  it('runs the handler registered for a job with its data, as plain JSON', async () => {
    const runs: unknown[] = [];
    runner.register<{ consentId: string; since: Date }>('sync', async (data, job) => {
      runs.push({ data, job });
    });
    const id = await runner.enqueue('sync', { consentId: 'c-1', since: new Date('2026-01-02T03:04:05.000Z') });
    await runner.whenIdle();
    expect(runs).toEqual([
      { data: { consentId: 'c-1', since: '2026-01-02T03:04:05.000Z' }, job: { id, name: 'sync', attempt: 1 } },
    ]);
  });

  it('holds a delayed job until its delay has passed', async () => {
    let ranAt: number | undefined;
    runner.register('expire', async () => {
      ranAt = Date.now();
    });
    const queuedAt = Date.now();
    await runner.enqueue('expire', {}, { delayMs: 300 });
    await sleep(150);
    expect(ranAt).toBeUndefined();
    await runner.whenIdle();
    expect(ranAt! - queuedAt).toBeGreaterThanOrEqual(300);
  });

  it('queues a sync once while one with the same id is pending or running, and again once it has finished', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    runner.register<{ consentId: string }>('sync', async (data) => {
      runs.push(data.consentId);
      await blocked;
    });
    const first = await runner.enqueue('sync', { consentId: 'c-1' }, { dedupId: 'sync.c-1' });
    await until(() => runs.length === 1);
    const whileRunning = await runner.enqueue('sync', { consentId: 'c-1' }, { dedupId: 'sync.c-1' });
    const other = await runner.enqueue('sync', { consentId: 'c-2' }, { dedupId: 'sync.c-2' });
    expect(whileRunning).toBe(first);
    expect(other).not.toBe(first);
    release();
    await runner.whenIdle();
    expect(runs.sort()).toEqual(['c-1', 'c-2']);

    const later = await runner.enqueue('sync', { consentId: 'c-1' }, { dedupId: 'sync.c-1' });
    await runner.whenIdle();
    expect(later).not.toBe(first);
    expect(runs.filter((consent) => consent === 'c-1')).toHaveLength(2);
  });

  it('queues a job anew while one with its id runs, when its handler frees the id as it starts, and runs both in turn', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    runner.register<{ ownerId: string }>(
      'reconcile',
      async ({ ownerId }) => {
        runs.push(ownerId);
        await blocked;
      },
      { exclusiveKey: ({ ownerId }) => `reconcile.${ownerId}`, dedupOnlyWhileQueued: true },
    );
    const running = await runner.enqueue('reconcile', { ownerId: 'o-1' }, { dedupId: 'reconcile.o-1' });
    await until(() => runs.length === 1);
    const next = await runner.enqueue('reconcile', { ownerId: 'o-1' }, { dedupId: 'reconcile.o-1' });
    const absorbed = await runner.enqueue('reconcile', { ownerId: 'o-1' }, { dedupId: 'reconcile.o-1' });
    expect(next).not.toBe(running);
    expect(absorbed).toBe(next);
    await sleep(100);
    expect(runs).toHaveLength(1);
    release();
    await runner.whenIdle();
    expect(runs).toEqual(['o-1', 'o-1']);
  });

  it('never runs two jobs for the same consent at once, on any worker, while other consents run alongside', async () => {
    const running = new Map<string, number>();
    const overlaps: string[] = [];
    const workersThatRan = new Set<number>();
    let concurrent = 0;
    let mostConcurrent = 0;
    deployment.workers.forEach((worker, index) =>
      worker.register<{ consentId: string }>(
        'sync',
        async ({ consentId }) => {
          workersThatRan.add(index);
          if (running.get(consentId)) overlaps.push(consentId);
          running.set(consentId, (running.get(consentId) ?? 0) + 1);
          mostConcurrent = Math.max(mostConcurrent, ++concurrent);
          await sleep(40);
          concurrent--;
          running.set(consentId, running.get(consentId)! - 1);
        },
        { exclusiveKey: ({ consentId }) => `consent:${consentId}`, concurrency: 2 },
      ),
    );
    for (const consentId of ['c-1', 'c-2', 'c-3']) {
      for (let sync = 0; sync < 4; sync++) await runner.enqueue('sync', { consentId });
    }
    await runner.whenIdle();
    expect(overlaps).toEqual([]);
    expect(mostConcurrent).toBeGreaterThan(1);
    expect(workersThatRan.size).toBe(deployment.workers.length);
  });

  it('retries a failed job after its backoff, and gives up after the last attempt, freeing its id', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    runner.register('flaky', async (_data, job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      if (job.attempt === 1) throw new Error('bank answered 503');
    });
    let broken = 0;
    runner.register('broken', async () => {
      broken++;
      throw new Error('always fails');
    });
    await runner.enqueue('flaky', {}, { attempts: 3, backoffMs: 100 });
    const failed = await runner.enqueue('broken', {}, { attempts: 2, backoffMs: 10, dedupId: 'broken.1' });
    await runner.whenIdle();
    expect(attempts.map(({ attempt }) => attempt)).toEqual([1, 2]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(100);
    expect(broken).toBe(2);
    await expect(runner.enqueue('broken', {}, { attempts: 1, dedupId: 'broken.1' })).resolves.not.toBe(failed);
    await runner.whenIdle();
    expect(broken).toBe(3);
  });

  it('runs a repeating job on its interval until its schedule is stopped', async () => {
    const sweeps: string[] = [];
    runner.register<{ kind: string }>('expiry-sweep', async ({ kind }) => {
      sweeps.push(kind);
    });
    await runner.repeat('expiry-sweep', { kind: 'consents' }, { everyMs: 100 });
    await until(() => sweeps.length >= 3);
    await runner.stopRepeat('expiry-sweep');
    await runner.whenIdle();
    const total = sweeps.length;
    await sleep(250);
    expect(sweeps).toHaveLength(total);
    expect(new Set(sweeps)).toEqual(new Set(['consents']));
  });

  it('waits for the running job to finish before it closes', async () => {
    let started = false;
    let finished = false;
    runner.register('sync', async () => {
      started = true;
      await sleep(200);
      finished = true;
    });
    await runner.enqueue('sync', {});
    await until(() => started);
    await runner.close();
    expect(finished).toBe(true);
  });

  it('refuses a job name that cannot name a queue', async () => {
    expect(() => runner.register('sync:consent', async () => {})).toThrow(/job name/);
    await expect(runner.enqueue('sync consent', {})).rejects.toThrow(/job name/);
  });
});

describe('jobs on Redis, waited for across queues', () => {
  it('waits for a job that a finishing job queued on a queue already found idle', async () => {
    const deployment = await onRedis();
    const [runner] = deployment.workers;
    const notified: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    runner.register('notify', async () => {
      await sleep(300);
      notified.push('notify');
    });
    runner.register('sync', async () => {
      await released;
      await runner.enqueue('notify', {});
    });
    // The notify queue is read first: once it is found idle, the sync job queues a notify and finishes before the
    // sync queue is read.
    const readCounts = Queue.prototype.getJobCounts;
    const counts = jest.spyOn(Queue.prototype, 'getJobCounts').mockImplementation(async function (
      this: Queue,
      ...types
    ) {
      const read = await readCounts.apply(this, types);
      if (this.name === 'notify') {
        release();
        await sleep(150);
      }
      return read;
    });
    try {
      await runner.enqueue('sync', {});
      await runner.whenIdle();
      expect(notified).toEqual(['notify']);
    } finally {
      counts.mockRestore();
      await deployment.close();
    }
  });
});
