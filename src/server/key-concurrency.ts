import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RATE_LIMITED } from './rate-limit';

interface KeyState {
  running: number;
  waiting: Array<() => void>;
}

/**
 * A key whose operations typically cost this many times another busy key's is the heavy one of the two: the unified
 * query costs a few hundred, `{ viewer { id } }` costs 1, and two keys sending the same kind of query are close.
 */
const HEAVY_RATIO = 10;
/** How many keys' typical costs are remembered (the most recently used); the others start unknown. */
const REMEMBERED_KEYS = 10_000;
/** A key that finished an operation this recently is busy (its requests spend most of their time outside a place). */
const BUSY_FOR_MS = 1_000;

/**
 * At most `perKey` operations of one API key run at once; the key's next ones wait their turn, in order, and past
 * `queuePerKey` waiting ones a request is refused with RATE_LIMITED. The gateway runs every request on one event
 * loop: without this, a key sending its most expensive query on many connections at once fills that loop, and every
 * other tenant's request waits behind all of them. With it, another key's request waits behind at most `perKey` of
 * them. Per process, in memory: it shares one process's loop fairly, which is what it protects.
 *
 * Equal places are not an equal share of the loop: four unified queries use it about ten times as long as four
 * trivial ones. So while another key is busy, a key whose operations typically cost `HEAVY_RATIO` times that
 * key's (the cost the limits compute) runs one at a time, with a pause after each as long as it ran; alone, it has
 * all its places. Costs, not durations: under load every operation's duration is mostly waiting for the loop,
 * which hides the difference.
 */
export class KeyConcurrency {
  private readonly keys = new Map<string, KeyState>();
  /** Each key's typical operation cost (a moving average), kept while the key is idle too. */
  private readonly typicalCost = new Map<string, number>();
  /** The cheapest key seen busy lately: enough to tell whether a heavy key shares the loop with a light one. */
  private cheapest: { apiKeyId: string; cost: number; busyUntil: number } | null = null;

  constructor(
    private readonly perKey: number,
    private readonly queuePerKey: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Resolves once the operation may run, with the function that frees its place, given the operation's cost when it
   * is known; only its first call counts.
   */
  async acquire(apiKeyId: string): Promise<(cost?: number) => void> {
    let state = this.keys.get(apiKeyId);
    if (!state) {
      state = { running: 0, waiting: [] };
      this.keys.set(apiKeyId, state);
    }
    if (state.running >= this.placesOf(apiKeyId) || state.waiting.length > 0) {
      if (state.waiting.length >= this.queuePerKey) throw tooManyAtOnce();
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    } else {
      state.running += 1;
    }
    const started = this.now();
    return once((cost?: number) => {
      if (cost !== undefined) this.remember(apiKeyId, cost);
      const ran = this.now() - started;
      // A heavy key beside a light one leaves its place idle as long as the operation ran before passing it on, so
      // that it holds the loop about half the time at most; one place alone still gave it most of the loop.
      if (this.isHeavy(apiKeyId) && state.waiting.length > 0 && ran > 0) {
        setTimeout(() => this.release(apiKeyId, state), ran).unref();
      } else {
        this.release(apiKeyId, state);
      }
    });
  }

  private release(apiKeyId: string, state: KeyState): void {
    state.running -= 1;
    // Waiting operations take the free places in order; a heavy key may have more running than it now may.
    const places = this.placesOf(apiKeyId);
    while (state.running < places && state.waiting.length > 0) {
      state.running += 1;
      state.waiting.shift()!();
    }
    if (state.running === 0) this.keys.delete(apiKeyId);
  }

  /** `perKey`, or 1 while the key is heavy. */
  private placesOf(apiKeyId: string): number {
    return this.isHeavy(apiKeyId) ? 1 : this.perKey;
  }

  /** Whether another key with much cheaper operations is busy. */
  private isHeavy(apiKeyId: string): boolean {
    const own = this.typicalCost.get(apiKeyId);
    const light = this.cheapest;
    return (
      own !== undefined &&
      light !== null &&
      light.apiKeyId !== apiKeyId &&
      light.busyUntil > this.now() &&
      own > HEAVY_RATIO * light.cost
    );
  }

  private remember(apiKeyId: string, cost: number): void {
    const previous = this.typicalCost.get(apiKeyId);
    // Deleted and set again, so the map's order is least recently used first.
    this.typicalCost.delete(apiKeyId);
    const typical = previous === undefined ? cost : previous * 0.9 + cost * 0.1;
    this.typicalCost.set(apiKeyId, typical);
    if (this.typicalCost.size > REMEMBERED_KEYS) this.typicalCost.delete(this.typicalCost.keys().next().value!);
    const now = this.now();
    const { cheapest } = this;
    if (!cheapest || cheapest.busyUntil <= now || typical <= cheapest.cost || cheapest.apiKeyId === apiKeyId) {
      this.cheapest = { apiKeyId, cost: typical, busyUntil: now + BUSY_FOR_MS };
    }
  }
}

/**
 * A place for one HTTP request, held from `take` until its response is done or its client hangs up, whichever is
 * first. Made when the request arrives, before any await, so that a client gone while the request was authenticated
 * or waited its turn still frees its place: a leaked place would stall the key for good.
 */
export function requestPlace(gate: KeyConcurrency, request: IncomingMessage, response: ServerResponse) {
  let gone = request.socket.destroyed;
  let release: ((cost?: number) => void) | null = null;
  let cost: number | undefined;
  response.once('close', () => {
    gone = true;
    release?.(cost);
  });
  return {
    async take(apiKeyId: string): Promise<void> {
      const free = await gate.acquire(apiKeyId);
      if (gone) free();
      else release = free;
    },
    /** The operation's cost, once the limits have computed it: it counts towards the key's typical cost. */
    charge(operationCost: number): void {
      cost = operationCost;
    },
  };
}

function once<A extends unknown[]>(release: (...args: A) => void): (...args: A) => void {
  let released = false;
  return (...args) => {
    if (released) return;
    released = true;
    release(...args);
  };
}

function tooManyAtOnce(): GraphQLError {
  return new GraphQLError('too many requests running at once with this API key', {
    extensions: {
      code: RATE_LIMITED,
      retryAfter: 1,
      http: { status: 429, headers: new HeaderMap([['retry-after', '1']]) },
    },
  });
}
