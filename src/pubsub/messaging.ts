import type { Cache } from './cache';
import type { PubSub } from './pubsub';

/**
 * The pub/sub and the cache of one backing service: Redis when `REDIS_URL` is set (so events cross gateway
 * instances), in memory on the embedded default. One connection serves both, so one object implements both;
 * services depend only on the half they use (`PubSub` for events, `Cache` for balances).
 */
export interface Messaging extends PubSub, Cache {
  /** Throws when the backing service does not answer; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
