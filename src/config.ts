import path from 'node:path';
import { z } from 'zod';

/**
 * The gateway's configuration, parsed once from the environment. No other module reads `process.env`.
 * Every variable is optional: with none set, the gateway runs on the embedded default (PGlite, in-memory pub/sub,
 * in-process sandbox banks) and keeps its data in `DATA_DIR`.
 */
const schema = z.object({
  NODE_ENV: oneOf(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce
    .number({ error: 'must be a whole number from 0 to 65535' })
    .int({ error: 'must be a whole number from 0 to 65535' })
    .min(0, { error: 'must be a whole number from 0 to 65535' })
    .max(65535, { error: 'must be a whole number from 0 to 65535' })
    .default(4000),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** Namespaces every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]+$/, { error: 'may hold only letters, digits and _ : . -' })
    .default('passerelle:'),
  DATA_DIR: z.string().default('.passerelle'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed a demo owner and lender and print their keys. Defaults to on for the embedded default outside production. */
  DEMO_SEED: oneOf(['true', 'false']).optional(),
  /** Serve the sandbox banks in-process under /sandbox. Defaults to on outside production. */
  SANDBOX_ENABLED: oneOf(['true', 'false']).optional(),
  /** Base64 of 32 bytes: encrypts provider tokens at rest. Without it, a key is made and kept in DATA_DIR. */
  ENCRYPTION_KEY: z.string().optional(),
  /** How often consents are checked for expiry and bank-side revocation; 0 turns the schedule off. */
  CONSENT_SWEEP_SECONDS: scheduleSeconds(900),
  /** How often connections due for a scheduled sync are queued; 0 turns the schedule off. */
  SYNC_SCHEDULE_SECONDS: scheduleSeconds(3600),
  // Limits every GraphQL operation must fit, over HTTP and WebSocket alike (OWASP GraphQL cheat sheet; GraphQL
  // Armor's defaults, the cost raised to fit a unified query of every account with a page of transactions each).
  MAX_QUERY_DEPTH: positiveInt(10),
  MAX_QUERY_ALIASES: positiveInt(15),
  MAX_QUERY_DIRECTIVES: positiveInt(20),
  MAX_QUERY_TOKENS: positiveInt(5000),
  /** Each object costs 1, times the `first` of the list it is in (lists without `first` count as 10). */
  MAX_QUERY_COST: positiveInt(5000),
  /** The largest WebSocket message, `connection_init` included; HTTP bodies have the same limit. */
  WS_MAX_PAYLOAD_BYTES: positiveInt(1024 * 1024),
  /** A socket that has not sent `connection_init` by then is closed (4408). */
  WS_CONNECTION_INIT_TIMEOUT_MS: positiveInt(3000),
  MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(20),
  MAX_SUBSCRIPTIONS_PER_KEY: positiveInt(100),
  /** Operations per API key per second, a token bucket refilled every second (Redis with REDIS_URL). */
  RATE_LIMIT_PER_SECOND: positiveInt(100),
  /** Failed authentications per client address per minute before it is refused for the rest of the minute. */
  AUTH_FAILURES_PER_MINUTE: positiveInt(20),
  /**
   * Longest a PostgreSQL statement may run, so one slow query cannot hold a pooled connection others wait for.
   * Bulk loads (a first sync's COPY) lift it for their own transaction.
   */
  STATEMENT_TIMEOUT_MS: positiveInt(15_000),
  /** Connections to PostgreSQL per gateway process (the embedded PGlite serves one session). */
  DATABASE_POOL_SIZE: positiveInt(20),
  /** With it, /metrics answers only `Authorization: Bearer <token>`; without it, /metrics is off in production. */
  METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
});

function positiveInt(defaultValue: number) {
  const error = 'must be a whole number above 0';
  return z.coerce.number({ error }).int({ error }).min(1, { error }).default(defaultValue);
}

/** An interval of a background schedule, in seconds: 0 turns it off (tests run the work themselves). */
function scheduleSeconds(defaultSeconds: number) {
  const error = 'must be 0 (off) or a whole number of seconds from 10 to 86400';
  return z.coerce
    .number({ error })
    .int({ error })
    .refine((seconds) => seconds === 0 || (seconds >= 10 && seconds <= 86400), { error })
    .default(defaultSeconds);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

export type Environment = Record<string, string | undefined>;

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly host: string;
  readonly port: number;
  /** The URL clients reach the gateway at; derived from the listening address when not set. */
  readonly publicUrl?: string;
  /** Absent on the embedded default: the gateway then serves PGlite from `dataDir` on a loopback port. */
  readonly databaseUrl?: string;
  /** Absent on the embedded default: pub/sub and cache are then in memory. */
  readonly redisUrl?: string;
  readonly redisPrefix: string;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly demoSeed: boolean;
  readonly sandboxEnabled: boolean;
  /** Absent on the embedded default, which keeps a generated key in `dataDir`. */
  readonly encryptionKey?: string;
  /** 0 when the schedule is off (tests run the sweep themselves). */
  readonly consentSweepMs: number;
  /** 0 when the schedule is off. */
  readonly syncScheduleMs: number;
  readonly limits: EdgeLimits;
  readonly statementTimeoutMs: number;
  readonly databasePoolSize: number;
  /** Absent: /metrics is open outside production and off in production. */
  readonly metricsToken?: string;
}

/** What one operation, one socket and one key may use; see `src/server/limits.ts` and `rate-limit.ts`. */
export interface EdgeLimits {
  readonly depth: number;
  readonly aliases: number;
  readonly directives: number;
  readonly tokens: number;
  readonly cost: number;
  readonly wsMaxPayloadBytes: number;
  readonly wsConnectionInitTimeoutMs: number;
  readonly subscriptionsPerSocket: number;
  readonly subscriptionsPerKey: number;
  readonly requestsPerSecond: number;
  readonly authFailuresPerMinute: number;
}

/** A configuration value that cannot be used. Its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Environment = process.env): Config {
  const parsed = schema.safeParse(blankAsUnset(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0]);
    // URLs may carry passwords and keys are secrets: never echo them.
    const given = variable.endsWith('_URL') || variable.endsWith('_KEY') ? undefined : env[variable];
    throw new ConfigError(
      `invalid configuration: ${variable} ${issue.message}${given === undefined ? '' : ` (got "${given}")`}`,
    );
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production' && !values.ENCRYPTION_KEY) {
    // Replicas sharing a database must share the key; one made on a replica's disk would lock the others out.
    throw new ConfigError('invalid configuration: ENCRYPTION_KEY is required in production (openssl rand -base64 32)');
  }
  return Object.freeze({
    env: values.NODE_ENV,
    host: values.HOST,
    port: values.PORT,
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    redisPrefix: values.REDIS_PREFIX,
    dataDir: path.resolve(values.DATA_DIR),
    logLevel: values.LOG_LEVEL,
    demoSeed: values.DEMO_SEED ? values.DEMO_SEED === 'true' : !values.DATABASE_URL && values.NODE_ENV !== 'production',
    sandboxEnabled: values.SANDBOX_ENABLED ? values.SANDBOX_ENABLED === 'true' : values.NODE_ENV !== 'production',
    encryptionKey: values.ENCRYPTION_KEY,
    consentSweepMs: values.CONSENT_SWEEP_SECONDS * 1000,
    syncScheduleMs: values.SYNC_SCHEDULE_SECONDS * 1000,
    statementTimeoutMs: values.STATEMENT_TIMEOUT_MS,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    metricsToken: values.METRICS_TOKEN,
    limits: Object.freeze({
      depth: values.MAX_QUERY_DEPTH,
      aliases: values.MAX_QUERY_ALIASES,
      directives: values.MAX_QUERY_DIRECTIVES,
      tokens: values.MAX_QUERY_TOKENS,
      cost: values.MAX_QUERY_COST,
      wsMaxPayloadBytes: values.WS_MAX_PAYLOAD_BYTES,
      wsConnectionInitTimeoutMs: values.WS_CONNECTION_INIT_TIMEOUT_MS,
      subscriptionsPerSocket: values.MAX_SUBSCRIPTIONS_PER_SOCKET,
      subscriptionsPerKey: values.MAX_SUBSCRIPTIONS_PER_KEY,
      requestsPerSecond: values.RATE_LIMIT_PER_SECOND,
      authFailuresPerMinute: values.AUTH_FAILURES_PER_MINUTE,
    }),
  });
}

/** `PORT=` in a shell or a compose file means "not set", not "the empty string". */
function blankAsUnset(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}
