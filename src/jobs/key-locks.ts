import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { Logger } from '../logger';

export interface HeldLock {
  release(): Promise<void>;
}

// Compare-and-act in one script, so a worker never extends or frees a lock that expired and another worker took.
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One lock per key on a single Redis, as redis.io's "Distributed locks with Redis" describes for one instance:
 * `SET key token NX PX ttl`, freed and extended only by the token's owner. The lock expires by itself when its
 * worker dies, and is extended every third of its lifetime while the job runs, so a long sync keeps it.
 */
export class RedisKeyLocks {
  constructor(
    private readonly client: RedisClientType,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /** The lock, or null when another holder has it. */
  async acquire(key: string): Promise<HeldLock | null> {
    const redisKey = this.prefix + key;
    const token = randomUUID();
    const taken = await this.client.set(redisKey, token, {
      condition: 'NX',
      expiration: { type: 'PX', value: this.ttlMs },
    });
    if (taken !== 'OK') return null;

    const extend = async () => {
      try {
        const extended = await this.client.eval(EXTEND, { keys: [redisKey], arguments: [token, String(this.ttlMs)] });
        if (extended !== 1) this.logger.error({ key }, 'lost an exclusive job lock while its job was still running');
      } catch (error) {
        this.logger.warn({ key, err: (error as Error).message }, 'could not extend an exclusive job lock');
      }
    };
    const renewal = setInterval(() => void extend(), Math.floor(this.ttlMs / 3));
    return {
      release: async () => {
        clearInterval(renewal);
        try {
          await this.client.eval(RELEASE, { keys: [redisKey], arguments: [token] });
        } catch (error) {
          // The job itself succeeded; the lock frees itself when its lifetime ends.
          this.logger.warn({ key, err: (error as Error).message }, 'could not release an exclusive job lock');
        }
      },
    };
  }
}
