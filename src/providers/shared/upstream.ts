import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IBackoff,
  IBackoffFactory,
  IRetryBackoffContext,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
} from 'cockatiel';
import type { z } from 'zod';
import { ProviderError } from '../types';

/** The kinds of bank resource an upstream call reads or writes, for instrumentation and access budgets. */
export type UpstreamResource = 'accounts' | 'balances' | 'transactions' | 'consents' | 'payments' | 'oauth';

/** One HTTP exchange with a bank, reported after it ends (every attempt and every page is one call). */
export interface UpstreamCall {
  institutionId: string;
  resource: UpstreamResource;
  method: string;
  /** The HTTP status, or 0 when no response came (network error, timeout). */
  status: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry... */
  attempt: number;
}

export interface UpstreamObserver {
  onUpstreamCall?(call: UpstreamCall): void;
}

export interface ResilienceOptions {
  /** Each HTTP attempt is abandoned after this long. */
  timeoutMs: number;
  /** Retries after the first attempt, for idempotent requests only. */
  maxRetries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A 429 whose Retry-After is further away than this is not waited for: the caller gets ACCESS_LIMIT_REACHED. */
  maxRetryAfterMs: number;
  /** Consecutive bank-unavailable failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before letting one trial call through. */
  breakerHalfOpenAfterMs: number;
}

export const defaultResilience: ResilienceOptions = {
  timeoutMs: 10_000,
  maxRetries: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  maxRetryAfterMs: 5_000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
};

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface UpstreamRequest<S extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  resource: UpstreamResource;
  /**
   * Whether the request may be sent again after a failure: reads, deletes, and creations that carry the client's
   * idempotency key (Berlin Group and STET: a replayed X-Request-ID is the same resource).
   */
  retryable: boolean;
  /** Schema of the success body; undefined when the success answer has no body worth reading (204, DELETE). */
  schema: S;
}

export interface UpstreamResponse<T> {
  status: number;
  headers: Headers;
  /** The validated body; undefined for 204 No Content or when no schema was given. */
  body: T | undefined;
}

/** Maps a bank's error answer (status, headers, parsed body or raw text) to a typed error. One per standard. */
export type ErrorMapper = (status: number, headers: Headers, body: unknown, institutionId: string) => ProviderError;

export interface UpstreamClientOptions {
  institutionId: string;
  mapError: ErrorMapper;
  fetch?: FetchFn;
  observer?: UpstreamObserver;
  resilience?: Partial<ResilienceOptions>;
  now?: () => number;
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): Date | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return new Date(now + Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : new Date(date);
}

/**
 * HTTP plus resilience for one bank: a timeout on every attempt, retries with exponential backoff and jitter for
 * retryable requests (waiting at least what Retry-After asks), and one circuit breaker for the whole institution that
 * opens on consecutive bank-unavailable failures only (a consent error says nothing about the bank's health).
 */
export class UpstreamClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly options: ResilienceOptions;
  private readonly fetchFn: FetchFn;
  private readonly now: () => number;

  constructor(private readonly config: UpstreamClientOptions) {
    this.options = { ...defaultResilience, ...config.resilience };
    this.fetchFn = config.fetch ?? ((input, init) => fetch(input, init));
    this.now = config.now ?? Date.now;
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof ProviderError && error.code === 'PROVIDER_UNAVAILABLE'),
      {
        halfOpenAfter: this.options.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.breakerThreshold),
      },
    );
  }

  get institutionId(): string {
    return this.config.institutionId;
  }

  get breakerState(): 'CLOSED' | 'OPEN' | 'HALF_OPEN' {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'CLOSED';
      case CircuitState.HalfOpen:
        return 'HALF_OPEN';
      default:
        return 'OPEN';
    }
  }

  async send<S extends z.ZodType | undefined>(
    request: UpstreamRequest<S>,
  ): Promise<UpstreamResponse<S extends z.ZodType ? z.infer<S> : undefined>> {
    const policy = retry(
      handleWhen((error) => request.retryable && this.isTransient(error)),
      { maxAttempts: this.options.maxRetries, backoff: new RetryAfterBackoff(this.options, this.now) },
    );
    try {
      const response = await policy.execute(({ attempt }) =>
        this.breaker.execute(() => this.attempt(request, attempt + 1)),
      );
      return response as UpstreamResponse<S extends z.ZodType ? z.infer<S> : undefined>;
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new ProviderError('PROVIDER_UNAVAILABLE', 'The bank failed repeatedly; calls are paused (circuit open)', {
          institutionId: this.institutionId,
        });
      }
      throw error;
    }
  }

  /** Transient: the bank is down or slow, or asked us to come back soon (a daily access limit comes back later). */
  private isTransient(error: unknown): boolean {
    if (!(error instanceof ProviderError)) return false;
    if (error.code === 'PROVIDER_UNAVAILABLE') return true;
    if (error.code !== 'ACCESS_LIMIT_REACHED' || !error.details.retryAt) return false;
    return error.details.retryAt.getTime() - this.now() <= this.options.maxRetryAfterMs;
  }

  private async attempt<S extends z.ZodType | undefined>(
    request: UpstreamRequest<S>,
    attempt: number,
  ): Promise<UpstreamResponse<unknown>> {
    const started = this.now();
    let status = 0;
    const { institutionId } = this;
    try {
      return await timeout(this.options.timeoutMs, TimeoutStrategy.Aggressive).execute(async ({ signal }) => {
        const response = await this.fetchFn(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal,
        });
        status = response.status;
        const text = await response.text();
        if (status >= 400) {
          throw this.config.mapError(status, response.headers, parseJsonOrText(text), institutionId);
        }
        if (request.schema === undefined || status === 204 || text.length === 0) {
          if (request.schema !== undefined && status !== 204) {
            throw new ProviderError('MALFORMED_RESPONSE', `Empty ${status} body from ${request.resource}`, {
              institutionId,
              status,
            });
          }
          return { status, headers: response.headers, body: undefined };
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new ProviderError('MALFORMED_RESPONSE', `The bank sent a body that is not JSON (${request.resource})`, {
            institutionId,
            status,
          });
        }
        const parsed = request.schema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ProviderError(
            'MALFORMED_RESPONSE',
            `Unexpected ${request.resource} body: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
            { institutionId, status },
          );
        }
        return { status, headers: response.headers, body: parsed.data };
      });
    } catch (error) {
      throw toProviderError(error, institutionId, request.resource);
    } finally {
      this.config.observer?.onUpstreamCall?.({
        institutionId,
        resource: request.resource,
        method: request.method,
        status,
        durationMs: this.now() - started,
        attempt,
      });
    }
  }
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toProviderError(error: unknown, institutionId: string, resource: UpstreamResource): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof TaskCancelledError) {
    return new ProviderError('PROVIDER_UNAVAILABLE', `The bank did not answer in time (${resource})`, {
      institutionId,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ProviderError('PROVIDER_UNAVAILABLE', `The bank could not be reached (${resource}): ${reason}`, {
    institutionId,
  });
}

/** Exponential backoff with decorrelated jitter (cockatiel's default), stretched to honour a Retry-After. */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly options: ResilienceOptions,
    private readonly now: () => number,
    private readonly inner: IBackoff<unknown> | IBackoffFactory<unknown> = new ExponentialBackoff({
      initialDelay: options.initialBackoffMs,
      maxDelay: options.maxBackoffMs,
    }),
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const innerNext = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAt = error instanceof ProviderError ? error.details.retryAt : undefined;
    const wait = retryAt ? Math.max(innerNext.duration, retryAt.getTime() - this.now()) : innerNext.duration;
    const following = new RetryAfterBackoff(this.options, this.now, innerNext);
    return { duration: wait, next: (ctx) => following.next(ctx) };
  }
}

/** Runs a pure transform, stamping the institution on the malformed-response errors it raises (it cannot know it). */
export function withInstitution<T>(institutionId: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ProviderError && !error.details.institutionId) {
      throw new ProviderError(error.code, error.message, { ...error.details, institutionId });
    }
    throw error;
  }
}
