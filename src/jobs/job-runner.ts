/**
 * Background jobs behind one interface: BullMQ on Redis when `REDIS_URL` is set (so several sync workers share the
 * load and survive restarts), in process on the embedded default. Job data crosses a serialization boundary in both
 * implementations, so it must be plain JSON (a `Date` arrives as a string).
 */
export interface JobRunner {
  /**
   * Runs `handler` for every job of this name, in this process. Register each name once per runner; a runner that
   * registers nothing only enqueues (a gateway replica feeding separate sync workers).
   */
  register<T extends object>(name: string, handler: JobHandler<T>, options?: HandlerOptions<T>): void;

  /** Queues a job; returns its id, or the id of the job already queued under the same `dedupId`. */
  enqueue<T extends object>(name: string, data: T, options?: EnqueueOptions): Promise<string>;

  /**
   * Runs a job now and then every `everyMs`, until `stopRepeat`. Calling it again with the same name and schedule id
   * replaces the schedule, so every replica may declare the same schedules at start.
   */
  repeat<T extends object>(name: string, data: T, options: RepeatOptions): Promise<void>;
  stopRepeat(name: string, scheduleId?: string): Promise<void>;

  /**
   * Resolves once no job is waiting, delayed, running or waiting to retry (the next run of a repeat schedule does not
   * count). On Redis this covers the queues this runner has touched, whichever worker runs them.
   */
  whenIdle(): Promise<void>;

  /** Stops taking jobs and resolves once the running ones have finished. Jobs still queued stay queued on Redis. */
  close(): Promise<void>;
}

export type JobHandler<T> = (data: T, job: JobContext) => Promise<void>;

export interface JobContext {
  readonly id: string;
  readonly name: string;
  /** 1 on the first run, 2 on the first retry... */
  readonly attempt: number;
}

export interface HandlerOptions<T> {
  /**
   * Jobs that map to the same key never run at the same time, on any worker (e.g. `consent:<id>`, so one consent is
   * synced by one worker at a time). A job whose key is busy waits, without spending an attempt.
   */
  exclusiveKey?: (data: T) => string | undefined;
  /** Jobs of this name this process runs at once. */
  concurrency?: number;
  /**
   * Frees a job's `dedupId` when its handler starts (after its exclusive key is taken) rather than when it finishes:
   * queueing the same id while the job runs queues a new job, which waits its turn. For work that must see every
   * change made while it ran: a running job has already read its inputs, and between its handler's last read and
   * the job leaving the queue (on Redis, round trips) it could neither see nor absorb a change.
   */
  dedupOnlyWhileQueued?: boolean;
}

export interface RetryOptions {
  /** Runs in all, the first included. */
  attempts?: number;
  /** Wait before the first retry; it doubles at each further retry. */
  backoffMs?: number;
}

export interface EnqueueOptions extends RetryOptions {
  /**
   * While a job queued with this id is waiting, delayed, running or waiting to retry, queueing another with the same
   * id does nothing (e.g. `sync:<consentId>`: a refresh asked twice runs once). Once it has finished, the id is free.
   */
  dedupId?: string;
  delayMs?: number;
}

export interface RepeatOptions extends RetryOptions {
  everyMs: number;
  /** Tells apart several schedules of one job name (e.g. one scheduled sync per consent); defaults to the name. */
  scheduleId?: string;
}

export function retryOptions(options: RetryOptions): Required<RetryOptions> {
  return { attempts: options.attempts ?? 3, backoffMs: options.backoffMs ?? 1_000 };
}

/** BullMQ's own exponential backoff, which the in-process runner reproduces. */
export function retryDelayMs(backoffMs: number, attemptsMade: number): number {
  return Math.round(backoffMs * 2 ** (attemptsMade - 1));
}

/** BullMQ names queues after jobs and reserves `:` in Redis keys; both implementations refuse the same names. */
export function assertJobName(name: string): void {
  if (!/^[\w.-]+$/.test(name)) {
    throw new Error(`job name "${name}" may hold only letters, digits and _ . -`);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
