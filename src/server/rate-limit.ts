import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { createClient } from 'redis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EdgeLimits } from '../config';
import type { Logger } from '../logger';
import type { ConnectLinksService } from '../modules/connect-links/connect-links.service';
import type { AuthenticatedPrincipal, PrincipalsService } from '../modules/principals/principals.service';
import { authenticate } from './context';

export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * Operations per API key (a bucket of `requestsPerSecond` refilled every second) and failed authentications per
 * client address. With REDIS_URL the counters live in Redis, so every replica draws on the same buckets; a Redis
 * outage falls back to per-process counters rather than refusing or waving everyone through.
 */
export class RateLimits {
  private constructor(
    private readonly operations: RateLimiterAbstract,
    private readonly authFailures: RateLimiterAbstract,
    private readonly logger: Logger,
    private readonly closeStore: () => Promise<void>,
  ) {}

  static async create(
    limits: EdgeLimits,
    options: { redisUrl?: string; prefix: string; logger: Logger },
  ): Promise<RateLimits> {
    const operations = { points: limits.requestsPerSecond, duration: 1, keyPrefix: `${options.prefix}rate:op` };
    const authFailures = {
      points: limits.authFailuresPerMinute,
      duration: 60,
      keyPrefix: `${options.prefix}rate:auth`,
    };
    if (!options.redisUrl) {
      return new RateLimits(
        new RateLimiterMemory(operations),
        new RateLimiterMemory(authFailures),
        options.logger,
        async () => undefined,
      );
    }
    const client = createClient({ url: options.redisUrl });
    client.on('error', (error: Error) => options.logger.warn({ err: error }, 'rate-limit redis connection error'));
    await client.connect();
    const redis = (store: typeof operations) =>
      new RateLimiterRedis({
        ...store,
        storeClient: client,
        useRedisPackage: true,
        insuranceLimiter: new RateLimiterMemory(store),
      });
    return new RateLimits(redis(operations), redis(authFailures), options.logger, async () => {
      await client.close();
    });
  }

  /** Spends one operation of this key's bucket; returns the error to answer with when the bucket is empty. */
  async consumeOperation(apiKeyId: string): Promise<GraphQLError | undefined> {
    try {
      await this.operations.consume(apiKeyId);
      return undefined;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return rateLimited('too many requests with this API key', refusal);
    }
  }

  /** An address that failed too many authentications lately is refused before its key is even looked up. */
  async refuseAddress(address: string | undefined): Promise<GraphQLError | undefined> {
    const state = await this.authFailures.get(addressKey(address));
    if (!state || state.remainingPoints > 0) return undefined;
    return rateLimited('too many failed authentications from this address', state);
  }

  async recordAuthFailure(address: string | undefined, reason: string): Promise<void> {
    this.logger.warn({ address, reason }, 'failed authentication');
    await this.authFailures
      .penalty(addressKey(address))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'cannot count a failed authentication'));
  }

  close(): Promise<void> {
    return this.closeStore();
  }
}

function addressKey(address: string | undefined): string {
  return address ?? 'unknown';
}

/** HTTP 429 with Retry-After, and the same delay in seconds in `extensions.retryAfter` for WebSocket clients. */
function rateLimited(message: string, state: RateLimiterRes): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new GraphQLError(message, {
    extensions: {
      code: RATE_LIMITED,
      retryAfter,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    },
  });
}

/**
 * `authenticate` behind both limits: an address with too many recent failures is refused first, every failure is
 * logged and counted, and a known key then spends one operation of its bucket.
 */
export async function authenticateWithinLimits(
  authorization: unknown,
  address: string | undefined,
  principals: PrincipalsService,
  rateLimits: RateLimits,
  spend = true,
  connectLinks?: ConnectLinksService,
): Promise<AuthenticatedPrincipal> {
  const refused = await rateLimits.refuseAddress(address);
  if (refused) throw refused;
  let principal: AuthenticatedPrincipal;
  try {
    principal = await authenticate(authorization, principals, connectLinks);
  } catch (error) {
    await rateLimits.recordAuthFailure(address, (error as Error).message);
    throw error;
  }
  const limited = spend ? await rateLimits.consumeOperation(principal.apiKeyId) : undefined;
  if (limited) throw limited;
  return principal;
}
