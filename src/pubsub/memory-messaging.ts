import { EventEmitter } from 'node:events';
import type { Messaging } from './messaging';

/** The embedded default: one process, so an EventEmitter and a Map are the whole broker. */
export class MemoryMessaging implements Messaging {
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly cache = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async publish(channel: string, message: string): Promise<void> {
    // Delivered on a later tick, as with Redis, so a publisher never runs subscriber code inside its own call.
    setImmediate(() => this.events.emit(channel, message));
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    this.events.on(channel, listener);
    return async () => {
      this.events.off(channel, listener);
    };
  }

  async cacheGet(key: string): Promise<string | null> {
    const entry = this.cache.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.cache.delete(key);
      return null;
    }
    return entry.value;
  }

  async cacheGetMany(keys: readonly string[]): Promise<Array<string | null>> {
    return Promise.all(keys.map((key) => this.cacheGet(key)));
  }

  async cacheSet(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.cache.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async cacheIncrement(key: string, ttlSeconds: number): Promise<number> {
    // No await between the read and the write: that is what makes it atomic on one event loop.
    const entry = this.cache.get(key);
    const live = entry && entry.expiresAt > this.now() ? entry : undefined;
    const next = Number(live?.value ?? 0) + 1;
    this.cache.set(key, { value: String(next), expiresAt: live?.expiresAt ?? this.now() + ttlSeconds * 1000 });
    return next;
  }

  async cacheDelete(key: string): Promise<void> {
    this.cache.delete(key);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.events.removeAllListeners();
    this.cache.clear();
  }
}
