/** A key-value cache with TTLs, shared by gateway instances when Redis backs it. Values are strings. */
export interface Cache {
  cacheGet(key: string): Promise<string | null>;
  /** Several keys in one round trip, each value (or null) in its key's place. */
  cacheGetMany(keys: readonly string[]): Promise<Array<string | null>>;
  cacheSet(key: string, value: string, ttlSeconds: number): Promise<void>;
  cacheDelete(key: string): Promise<void>;
  /**
   * Adds one to a counter and returns the new value, atomically across instances (two replicas spending the same
   * budget must not both see the last unit). The TTL is set when the counter is created and never extended.
   */
  cacheIncrement(key: string, ttlSeconds: number): Promise<number>;
}
