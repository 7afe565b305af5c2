import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { isValidSiren } from './modules/accounting/siren';
import type { CategoryAccounts } from './modules/accounting/chart-of-accounts';

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
  /** The sandbox control API's bearer token (outside production only); a random one is made and printed otherwise. */
  SANDBOX_CONTROL_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** How long a consent may wait for SCA at the bank before it is refused as abandoned. */
  CONSENT_AUTHORISATION_TIMEOUT_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds from 60 to 86400' })
    .int({ error: 'must be a whole number of seconds from 60 to 86400' })
    .min(60, { error: 'must be a whole number of seconds from 60 to 86400' })
    .max(86400, { error: 'must be a whole number of seconds from 60 to 86400' })
    .default(1800),
  /** How long a connect link (`createConnectLink`) may be opened before it is refused. */
  CONNECT_LINK_TTL_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds from 60 to 3600' })
    .int({ error: 'must be a whole number of seconds from 60 to 3600' })
    .min(60, { error: 'must be a whole number of seconds from 60 to 3600' })
    .max(3600, { error: 'must be a whole number of seconds from 60 to 3600' })
    .default(900),
  /** Base64 of 32 bytes: encrypts provider tokens at rest. Without it, a key is made and kept in DATA_DIR. */
  ENCRYPTION_KEY: z.string().optional(),
  /** How often consents are checked for expiry and bank-side revocation; 0 turns the schedule off. */
  CONSENT_SWEEP_SECONDS: scheduleSeconds(900),
  /** How often connections due for a scheduled sync are queued; 0 turns the schedule off. */
  SYNC_SCHEDULE_SECONDS: scheduleSeconds(3600),
  /** The company's SIREN: names the FEC file (`<SIREN>FEC<AAAAMMJJ>.txt`). */
  ACCOUNTING_SIREN: z.string().refine(isValidSiren, { error: 'must be 9 digits with a valid check digit' }).optional(),
  /** JSON: transaction category → PCG account, e.g. {"rent":"613200"} or {"rent":{"number":"613200","label":"Loyers"}}. */
  ACCOUNTING_CATEGORY_ACCOUNTS: z
    .string()
    .transform((text, context) => {
      try {
        return categoryAccounts.parse(JSON.parse(text));
      } catch {
        context.addIssue({
          code: 'custom',
          message: 'must be a JSON object of category → "account number" or {number, label}',
        });
        return z.NEVER;
      }
    })
    .optional(),
  /** Subscription events older than this are swept; a cursor older than that gets CURSOR_EXPIRED. */
  OUTBOX_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a whole number of days from 1 to 3650' })
    .int({ error: 'must be a whole number of days from 1 to 3650' })
    .min(1, { error: 'must be a whole number of days from 1 to 3650' })
    .max(3650, { error: 'must be a whole number of days from 1 to 3650' })
    .default(30),
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
  /**
   * Operations of one API key running at once in one gateway process; the key's next ones wait their turn (up to
   * MAX_QUEUED_REQUESTS_PER_KEY, then RATE_LIMITED), so one tenant's burst of heavy queries cannot stall the others.
   */
  MAX_CONCURRENT_REQUESTS_PER_KEY: positiveInt(4),
  MAX_QUEUED_REQUESTS_PER_KEY: positiveInt(100),
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

const accountNumber = z.string().regex(/^[1-8]\d{2,9}$/);
const categoryAccounts = z.record(
  z.string(),
  z.union([accountNumber, z.object({ number: accountNumber, label: z.string().min(1) })]),
);

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
  /** Set when the sandbox control API is served: the sandbox is on and this is not production. */
  readonly sandboxControlToken?: string;
  /** How long a consent may stay PENDING_AUTHORISATION before the sweep refuses it. */
  readonly consentAuthorisationTimeoutMs: number;
  /** How long a connect link stays usable after it is made. */
  readonly connectLinkTtlMs: number;
  /** Absent on the embedded default, which keeps a generated key in `dataDir`. */
  readonly encryptionKey?: string;
  /** 0 when the schedule is off (tests run the sweep themselves). */
  readonly consentSweepMs: number;
  /** 0 when the schedule is off. */
  readonly syncScheduleMs: number;
  /** Absent until configured: a FEC export then needs the SIREN as an argument. */
  readonly accountingSiren?: string;
  /** Category name → PCG account for the bank journal; categories not listed go to suspense (471). */
  readonly categoryAccounts: CategoryAccounts;
  /** How long the outbox keeps events for subscriptions to resume from. */
  readonly outboxRetentionDays: number;
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
  readonly concurrentRequestsPerKey: number;
  readonly queuedRequestsPerKey: number;
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
    // URLs may carry passwords, and keys and tokens are secrets: never echo them.
    const given = /_(URL|KEY|TOKEN)$/.test(variable) ? undefined : env[variable];
    throw new ConfigError(
      `invalid configuration: ${variable} ${issue.message}${given === undefined ? '' : ` (got "${given}")`}`,
    );
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production' && !values.ENCRYPTION_KEY) {
    // Replicas sharing a database must share the key; one made on a replica's disk would lock the others out.
    throw new ConfigError('invalid configuration: ENCRYPTION_KEY is required in production (openssl rand -base64 32)');
  }
  const sandboxEnabled = values.SANDBOX_ENABLED ? values.SANDBOX_ENABLED === 'true' : values.NODE_ENV !== 'production';
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
    sandboxEnabled,
    // Never in production, whatever SANDBOX_ENABLED says: the control API can revoke consents and move time.
    sandboxControlToken:
      sandboxEnabled && values.NODE_ENV !== 'production'
        ? (values.SANDBOX_CONTROL_TOKEN ?? randomBytes(24).toString('base64url'))
        : undefined,
    consentAuthorisationTimeoutMs: values.CONSENT_AUTHORISATION_TIMEOUT_SECONDS * 1000,
    connectLinkTtlMs: values.CONNECT_LINK_TTL_SECONDS * 1000,
    encryptionKey: values.ENCRYPTION_KEY,
    consentSweepMs: values.CONSENT_SWEEP_SECONDS * 1000,
    syncScheduleMs: values.SYNC_SCHEDULE_SECONDS * 1000,
    accountingSiren: values.ACCOUNTING_SIREN,
    categoryAccounts: Object.freeze(
      Object.fromEntries(
        Object.entries(values.ACCOUNTING_CATEGORY_ACCOUNTS ?? {}).map(([category, account]) => [
          category,
          typeof account === 'string' ? { number: account, label: category } : account,
        ]),
      ),
    ),
    outboxRetentionDays: values.OUTBOX_RETENTION_DAYS,
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
      concurrentRequestsPerKey: values.MAX_CONCURRENT_REQUESTS_PER_KEY,
      queuedRequestsPerKey: values.MAX_QUEUED_REQUESTS_PER_KEY,
      authFailuresPerMinute: values.AUTH_FAILURES_PER_MINUTE,
    }),
  });
}

/** `PORT=` in a shell or a compose file means "not set", not "the empty string". */
function blankAsUnset(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}
