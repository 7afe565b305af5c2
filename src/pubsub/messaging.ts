/**
 * Pub/sub and cache behind one interface: Redis when `REDIS_URL` is set (so events cross gateway instances), in
 * memory on the embedded default. Messages are strings; callers serialize.
 */
export interface Messaging {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; returns the function that ends it. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;

  cacheGet(key: string): Promise<string | null>;
  cacheSet(key: string, value: string, ttlSeconds: number): Promise<void>;
  cacheDelete(key: string): Promise<void>;
  /**
   * Adds one to a counter and returns the new value, atomically across instances (two replicas spending the same
   * budget must not both see the last unit). The TTL is set when the counter is created and never extended.
   */
  cacheIncrement(key: string, ttlSeconds: number): Promise<number>;

  /** Throws when the backing service does not answer; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
