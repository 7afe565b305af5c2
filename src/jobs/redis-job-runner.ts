import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../logger';
import {
  assertJobName,
  retryOptions,
  type EnqueueOptions,
  type HandlerOptions,
  type JobHandler,
  type JobRunner,
  type RepeatOptions,
  type RetryOptions,
} from './job-runner';
import { RedisKeyLocks } from './key-locks';

export interface RedisJobRunnerOptions {
  url: string;
  /** Namespaces every key, so deployments (and test files) sharing one Redis never share queues. */
  prefix: string;
  logger: Logger;
  /** How long a job whose exclusive key is busy waits before it tries again. */
  busyRetryMs?: number;
  /** Lifetime of an exclusive key lock if its worker dies without freeing it. */
  lockTtlMs?: number;
}

/**
 * BullMQ on Redis, one queue per job name, so a process runs only the job names it registers. Jobs survive restarts
 * and are shared by every worker on the same Redis and prefix.
 */
export class RedisJobRunner implements JobRunner {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly bullPrefix: string;
  private readonly locks: RedisKeyLocks;
  private readonly busyRetryMs: number;
  private readonly logger: Logger;
  private closing?: Promise<void>;

  private constructor(
    private readonly client: RedisClientType,
    options: RedisJobRunnerOptions,
  ) {
    this.logger = options.logger.child({ module: 'jobs' });
    // BullMQ joins its prefix and the queue name with ':'.
    this.bullPrefix = `${options.prefix}jobs`;
    this.locks = new RedisKeyLocks(client, `${options.prefix}job-lock:`, options.lockTtlMs ?? 30_000, this.logger);
    this.busyRetryMs = options.busyRetryMs ?? 1_000;
  }

  static async connect(options: RedisJobRunnerOptions): Promise<RedisJobRunner> {
    const client: RedisClientType = createClient({
      url: options.url,
      socket: {
        connectTimeout: 5_000,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
      },
    });
    client.on('error', (error: Error) => options.logger.warn({ err: error.message }, 'redis connection error'));
    // Every BullMQ queue and worker on this shared connection adds its own error, ready, end and reconnecting
    // listeners: the gateway's dozen jobs pass Node's default of 10, which only warns of a leak there is not.
    client.setMaxListeners(100);
    await client.connect();
    return new RedisJobRunner(client, options);
  }

  register<T extends object>(name: string, handler: JobHandler<T>, options: HandlerOptions<T> = {}): void {
    assertJobName(name);
    if (this.workers.has(name)) throw new Error(`job "${name}" already has a handler`);
    this.queue(name);
    // BullMQ shares this connection for commands and duplicates it for the worker's blocking reads.
    const worker = new Worker<T>(name, (job, token) => this.process(job, token, handler, options), {
      connection: this.client,
      prefix: this.bullPrefix,
      concurrency: options.concurrency ?? 1,
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      const context = { job: name, id: job.id, attempt: job.attemptsMade, err: error.message };
      if (job.attemptsMade < (job.opts.attempts ?? 1)) this.logger.warn(context, 'job failed, will retry');
      else this.logger.error(context, 'job failed for good');
    });
    worker.on('error', (error) => this.logger.warn({ job: name, err: error.message }, 'job worker error'));
    this.workers.set(name, worker);
  }

  async enqueue<T extends object>(name: string, data: T, options: EnqueueOptions = {}): Promise<string> {
    assertJobName(name);
    const job = await this.queue(name).add(name, data, {
      ...bullRetryOptions(options),
      delay: options.delayMs,
      // BullMQ keeps the id taken until the job completes or fails for good, as the interface promises.
      deduplication: options.dedupId === undefined ? undefined : { id: options.dedupId },
    });
    return job.id as string;
  }

  async repeat<T extends object>(name: string, data: T, options: RepeatOptions): Promise<void> {
    assertJobName(name);
    await this.queue(name).upsertJobScheduler(
      options.scheduleId ?? name,
      { every: options.everyMs },
      { name, data, opts: bullRetryOptions(options) },
    );
  }

  async stopRepeat(name: string, scheduleId?: string): Promise<void> {
    await this.queue(name).removeJobScheduler(scheduleId ?? name);
  }

  async whenIdle(): Promise<void> {
    while (!(await this.isIdle())) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Worker.close waits for the jobs it is running; queued jobs stay in Redis for the next worker.
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.client.close();
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.client, prefix: this.bullPrefix });
      queue.on('error', (error) => this.logger.warn({ job: name, err: error.message }, 'job queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async process<T extends object>(
    job: Job<T>,
    token: string | undefined,
    handler: JobHandler<T>,
    options: HandlerOptions<T>,
  ): Promise<void> {
    const context = { id: job.id as string, name: job.name, attempt: job.attemptsMade + 1 };
    const key = options.exclusiveKey?.(job.data);
    const start = async () => {
      // Only if the id still names this job: BullMQ compares in its script.
      if (options.dedupOnlyWhileQueued) await job.removeDeduplicationKey();
      await handler(job.data, context);
    };
    if (key === undefined) return start();
    const lock = await this.locks.acquire(key);
    if (!lock) {
      // Back to the delayed set without spending an attempt (BullMQ's documented manual delay).
      await job.moveToDelayed(Date.now() + this.busyRetryMs, token);
      throw new DelayedError();
    }
    try {
      await start();
    } finally {
      await lock.release();
    }
  }

  /**
   * Job counts come from one atomic script, so a job moving between states is never missed. While nothing runs,
   * each repeat schedule holds exactly one delayed job (its next run): only delayed jobs beyond that number are work.
   * Queues are read one after another, so a job may queue another on a queue already found idle and finish before
   * its own queue is read: the pass counts only if no job was added anywhere meanwhile (BullMQ numbers every add).
   */
  private async isIdle(): Promise<boolean> {
    const queues = [...this.queues.values()];
    const added = () => this.client.mGet(queues.map((queue) => queue.keys.id));
    const addedBefore = await added();
    for (const queue of queues) {
      const schedules = await queue.getJobSchedulersCount();
      const counts = await queue.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children', 'delayed');
      const { delayed = 0, ...others } = counts;
      if (delayed > schedules || Object.values(others).some((count) => count > 0)) return false;
    }
    const addedAfter = await added();
    return this.queues.size === queues.length && addedAfter.every((count, index) => count === addedBefore[index]);
  }
}

function bullRetryOptions(options: RetryOptions) {
  const { attempts, backoffMs } = retryOptions(options);
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: true,
    // A few failures stay in Redis for inspection; the logs have them all.
    removeOnFail: { count: 1_000 },
  };
}
