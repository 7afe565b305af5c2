import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../logger';
import type { Messaging } from './messaging';

/**
 * Redis pub/sub and cache. A subscribed Redis connection can do nothing but listen, so commands and subscriptions use
 * two connections. Every key and channel carries the configured prefix.
 */
export class RedisMessaging implements Messaging {
  private constructor(
    private readonly commands: RedisClientType,
    private readonly subscriber: RedisClientType,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, prefix: string, logger: Logger): Promise<RedisMessaging> {
    const options = {
      url,
      socket: {
        connectTimeout: 5_000,
        // Keep retrying in the background; /readyz reports the outage meanwhile.
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
      },
    };
    const commands: RedisClientType = createClient(options);
    const subscriber: RedisClientType = createClient(options);
    for (const client of [commands, subscriber]) {
      client.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
    }
    await Promise.all([commands.connect(), subscriber.connect()]);
    return new RedisMessaging(commands, subscriber, prefix);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.commands.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const key = this.prefix + channel;
    await this.subscriber.subscribe(key, listener);
    return async () => {
      await this.subscriber.unsubscribe(key, listener);
    };
  }

  async cacheGet(key: string): Promise<string | null> {
    return this.commands.get(this.prefix + key);
  }

  async cacheGetMany(keys: readonly string[]): Promise<Array<string | null>> {
    return keys.length > 0 ? this.commands.mGet(keys.map((key) => this.prefix + key)) : [];
  }

  async cacheSet(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.commands.set(this.prefix + key, value, { expiration: { type: 'EX', value: ttlSeconds } });
  }

  async cacheIncrement(key: string, ttlSeconds: number): Promise<number> {
    const prefixed = this.prefix + key;
    // One MULTI so the counter never exists without its expiry; NX keeps the first TTL, so the window does not slide.
    const [value] = await this.commands.multi().incr(prefixed).expire(prefixed, ttlSeconds, 'NX').exec();
    return Number(value);
  }

  async cacheDelete(key: string): Promise<void> {
    await this.commands.del(this.prefix + key);
  }

  async ping(): Promise<void> {
    await this.commands.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.close(), this.commands.close()]);
  }
}
