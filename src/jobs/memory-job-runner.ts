import type { Logger } from '../logger';
import {
  assertJobName,
  errorMessage,
  retryDelayMs,
  retryOptions,
  type EnqueueOptions,
  type HandlerOptions,
  type JobHandler,
  type JobRunner,
  type RepeatOptions,
} from './job-runner';

interface Registration {
  handler: JobHandler<object>;
  exclusiveKey?: (data: object) => string | undefined;
  concurrency: number;
  dedupOnlyWhileQueued: boolean;
}

interface QueuedJob {
  id: string;
  name: string;
  /** Kept serialized, as on Redis, so the embedded default cannot hide data that does not survive JSON. */
  payload: string;
  attemptsMade: number;
  attempts: number;
  backoffMs: number;
  dedupId?: string;
}

/** The embedded default: one process, so the queue is an array, timers and a set of busy keys. */
export class MemoryJobRunner implements JobRunner {
  private readonly registrations = new Map<string, Registration>();
  private readonly waiting: QueuedJob[] = [];
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly runningPerName = new Map<string, number>();
  private readonly busyKeys = new Set<string>();
  private readonly queuedDedupIds = new Map<string, string>();
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  private closing?: Promise<void>;
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger.child({ module: 'jobs' });
  }

  register<T extends object>(name: string, handler: JobHandler<T>, options: HandlerOptions<T> = {}): void {
    assertJobName(name);
    if (this.registrations.has(name)) throw new Error(`job "${name}" already has a handler`);
    this.registrations.set(name, {
      handler: handler as JobHandler<object>,
      exclusiveKey: options.exclusiveKey as Registration['exclusiveKey'],
      concurrency: options.concurrency ?? 1,
      dedupOnlyWhileQueued: options.dedupOnlyWhileQueued ?? false,
    });
    this.dispatch();
  }

  async enqueue<T extends object>(name: string, data: T, options: EnqueueOptions = {}): Promise<string> {
    return this.add(name, data, options);
  }

  async repeat<T extends object>(name: string, data: T, options: RepeatOptions): Promise<void> {
    assertJobName(name);
    this.assertOpen();
    const schedule = scheduleKey(name, options.scheduleId);
    clearInterval(this.schedules.get(schedule));
    const fire = () => this.add(name, data, options);
    fire();
    this.schedules.set(schedule, setInterval(fire, options.everyMs));
  }

  async stopRepeat(name: string, scheduleId?: string): Promise<void> {
    const schedule = scheduleKey(name, scheduleId);
    clearInterval(this.schedules.get(schedule));
    this.schedules.delete(schedule);
  }

  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIfIdle();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.schedules.values()) clearInterval(timer);
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.schedules.clear();
    this.delayed.clear();
    if (this.waiting.length) this.logger.warn({ dropped: this.waiting.length }, 'closing with jobs still queued');
    this.waiting.length = 0;
    await Promise.all(this.running);
    this.notifyIfIdle();
  }

  private add(name: string, data: object, options: EnqueueOptions): string {
    assertJobName(name);
    this.assertOpen();
    if (options.dedupId !== undefined) {
      const queued = this.queuedDedupIds.get(options.dedupId);
      if (queued) return queued;
    }
    const job: QueuedJob = {
      id: String(this.nextId++),
      name,
      payload: JSON.stringify(data),
      attemptsMade: 0,
      ...retryOptions(options),
      dedupId: options.dedupId,
    };
    if (job.dedupId !== undefined) this.queuedDedupIds.set(job.dedupId, job.id);
    this.schedule(job, options.delayMs ?? 0);
    return job.id;
  }

  private schedule(job: QueuedJob, delayMs: number): void {
    this.scheduleAt(job, Date.now() + delayMs);
  }

  private scheduleAt(job: QueuedJob, dueAt: number): void {
    if (this.closed) return;
    const delayMs = dueAt - Date.now();
    if (delayMs <= 0) {
      this.delayed.delete(job.id);
      this.waiting.push(job);
      this.dispatch();
      return;
    }
    // Node's timers measure from a clock cached at the start of the loop turn and may fire a millisecond early:
    // checking the due time again keeps the promise that a job never runs before its delay, as on Redis.
    this.delayed.set(
      job.id,
      setTimeout(() => this.scheduleAt(job, dueAt), delayMs),
    );
  }

  /** Starts, in queue order, every waiting job whose handler has room and whose key is free. */
  private dispatch(): void {
    if (this.closed) return;
    for (let index = 0; index < this.waiting.length;) {
      const job = this.waiting[index];
      const registration = this.registrations.get(job.name);
      const data = JSON.parse(job.payload) as object;
      const key = registration?.exclusiveKey?.(data);
      if (
        !registration ||
        (this.runningPerName.get(job.name) ?? 0) >= registration.concurrency ||
        (key !== undefined && this.busyKeys.has(key))
      ) {
        index++;
        continue;
      }
      this.waiting.splice(index, 1);
      this.start(job, registration, data, key);
    }
    this.notifyIfIdle();
  }

  private start(job: QueuedJob, registration: Registration, data: object, key: string | undefined): void {
    if (key !== undefined) this.busyKeys.add(key);
    this.runningPerName.set(job.name, (this.runningPerName.get(job.name) ?? 0) + 1);
    const run = this.execute(job, registration, data).finally(() => {
      if (key !== undefined) this.busyKeys.delete(key);
      this.runningPerName.set(job.name, (this.runningPerName.get(job.name) ?? 1) - 1);
      this.running.delete(run);
      this.dispatch();
    });
    this.running.add(run);
  }

  private async execute(job: QueuedJob, registration: Registration, data: object): Promise<void> {
    try {
      if (registration.dedupOnlyWhileQueued) this.release(job);
      await registration.handler(data, { id: job.id, name: job.name, attempt: job.attemptsMade + 1 });
      job.attemptsMade++;
      this.release(job);
    } catch (error) {
      job.attemptsMade++;
      const context = { job: job.name, id: job.id, attempt: job.attemptsMade, err: errorMessage(error) };
      if (job.attemptsMade < job.attempts) {
        this.logger.warn(context, 'job failed, will retry');
        this.schedule(job, retryDelayMs(job.backoffMs, job.attemptsMade));
      } else {
        this.logger.error(context, 'job failed for good');
        this.release(job);
      }
    }
  }

  private release(job: QueuedJob): void {
    if (job.dedupId !== undefined && this.queuedDedupIds.get(job.dedupId) === job.id) {
      this.queuedDedupIds.delete(job.dedupId);
    }
  }

  private notifyIfIdle(): void {
    if (this.waiting.length || this.delayed.size || this.running.size) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the job runner is closed');
  }
}

function scheduleKey(name: string, scheduleId = name): string {
  return `${name}\u0000${scheduleId}`;
}
