import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RATE_LIMITED } from './rate-limit';

interface KeyState {
  running: number;
  waiting: Array<() => void>;
}

/**
 * At most `perKey` operations of one API key run at once; the key's next ones wait their turn, in order, and past
 * `queuePerKey` waiting ones a request is refused with RATE_LIMITED. The gateway runs every request on one event
 * loop: without this, a key sending its most expensive query on many connections at once fills that loop, and every
 * other tenant's request waits behind all of them. With it, another key's request waits behind at most `perKey` of
 * them. Per process, in memory: it shares one process's loop fairly, which is what it protects.
 */
export class KeyConcurrency {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly perKey: number,
    private readonly queuePerKey: number,
  ) {}

  /** Resolves once the operation may run, with the function that frees its place; call it exactly once. */
  async acquire(apiKeyId: string): Promise<() => void> {
    let state = this.keys.get(apiKeyId);
    if (!state) {
      state = { running: 0, waiting: [] };
      this.keys.set(apiKeyId, state);
    }
    if (state.running >= this.perKey) {
      if (state.waiting.length >= this.queuePerKey) throw tooManyAtOnce();
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    } else {
      state.running += 1;
    }
    return once(() => this.release(apiKeyId, state));
  }

  private release(apiKeyId: string, state: KeyState): void {
    const next = state.waiting.shift();
    // The place passes straight to the next waiting operation, so `running` stays as it is.
    if (next) return next();
    state.running -= 1;
    if (state.running === 0) this.keys.delete(apiKeyId);
  }
}

/**
 * A place for one HTTP request, held from `take` until its response is done or its client hangs up, whichever is
 * first. Made when the request arrives, before any await, so that a client gone while the request was authenticated
 * or waited its turn still frees its place: a leaked place would stall the key for good.
 */
export function requestPlace(gate: KeyConcurrency, request: IncomingMessage, response: ServerResponse) {
  let gone = request.socket.destroyed;
  let release: (() => void) | null = null;
  response.once('close', () => {
    gone = true;
    release?.();
  });
  return {
    async take(apiKeyId: string): Promise<void> {
      const free = await gate.acquire(apiKeyId);
      if (gone) free();
      else release = free;
    },
  };
}

function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
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
