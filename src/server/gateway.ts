import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { DataSource } from 'typeorm';
import { WebSocketServer } from 'ws';
import type { Config } from '../config';
import { createDataSource, runMigrations } from '../db/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres';
import { createLogger, type Logger } from '../logger';
import { hkdfSync } from 'node:crypto';
import { entities, resolverBindings, type GatewayServices } from '../modules';
import { AccountsService } from '../modules/accounts/accounts.service';
import { BalancesService } from '../modules/balances/balances.service';
import { consentCallbackRouter } from '../modules/connections/consent-callback.router';
import { ConnectionsService } from '../modules/connections/connections.service';
import { ConsentAccess } from '../modules/connections/consent-access';
import { ConsentSecrets } from '../modules/connections/consent-secrets';
import { EventsService } from '../modules/events/events.service';
import { ProviderRegistry, SANDBOX_CLIENT_ID } from '../modules/institutions/provider-registry';
import { SyncService } from '../modules/sync/sync.service';
import { TransactionsService } from '../modules/transactions/transactions.service';
import { InstitutionsService } from '../modules/institutions/institutions.service';
import { InvoicesService } from '../modules/invoices/invoices.service';
import { paymentCallbackRouter } from '../modules/payments/payment-callback.router';
import { registerPaymentJobs } from '../modules/payments/payments.jobs';
import { PAYMENT_SWEEP_JOB, PaymentsService } from '../modules/payments/payments.service';
import { PayoutsService } from '../modules/payouts/payouts.service';
import { AccountingService } from '../modules/accounting/accounting.service';
import { ReconciliationService } from '../modules/reconciliation/reconciliation.service';
import { seedSandboxInstitutions } from '../modules/institutions/institution.seed';
import { seedDemoPrincipals, type DemoKeys } from '../modules/principals/demo-principals.seed';
import { PrincipalsService } from '../modules/principals/principals.service';
import { createLenderSharing, type LenderSharing } from '../modules/data-shares/lender-sharing';
import { MemoryMessaging } from '../pubsub/memory-messaging';
import type { Messaging } from '../pubsub/messaging';
import { RedisMessaging } from '../pubsub/redis-messaging';
import { createSandbox, type SandboxControl } from '../sandbox';
import { createJobRunner, type JobRunner } from '../jobs';
import { parseEncryptionKey, loadOrCreateEncryptionKey } from '../security/encryption-key';
import { TokenCipher, type EncryptionKey } from '../security/token-cipher';
import type { AuthenticatedPrincipal } from '../modules/principals/principals.service';
import type { PsuContext } from '../providers';
import { BatchedWebSocket } from './batched-websocket';
import { KeyConcurrency, requestPlace } from './key-concurrency';
import { createLoaders, type LoaderDeps } from './loaders';
import { RequestContext, type GatewayContext } from './context';
import { explorerRouter } from './explorer';
import { createFormatError, createWebSocketFormatError, jsonErrors } from './format-error';
import { healthRouter } from './health';
import { UpstreamCallCounter } from './metrics';
import { webAppRouter } from './web-app';
import { metricsGuard } from './metrics-guard';
import { inputGuardPlugin } from './input-guard';
import { limitsPlugin } from './limits';
import { authenticateWithinLimits, RateLimits } from './rate-limit';
import { connectLinkGuardPlugin } from '../modules/connect-links/connect-link-guard';
import { ConnectLinksService } from '../modules/connect-links/connect-links.service';
import { socketLimits, type SocketExtra } from './socket-limits';
import { buildGatewaySchema } from './schema';

/**
 * Over 400 lines on purpose: this is the composition root, the one place that builds every service, both transports and
 * the routes in start-up order, and closes them in reverse; splitting it would scatter that order across files.
 */

export interface Gateway {
  /** Where the gateway answers, e.g. `http://127.0.0.1:4000` (GraphQL at `/graphql`). */
  url: string;
  dataSource: DataSource;
  messaging: Messaging;
  principals: PrincipalsService;
  /** Present when the demo principals were seeded (the embedded default). */
  demoKeys?: DemoKeys;
  /** Present when the sandbox banks are served in-process, under `/sandbox`. */
  sandbox?: SandboxControl;
  connections: ConnectionsService;
  sync: SyncService;
  reconciliation: ReconciliationService;
  payments: PaymentsService;
  jobs: JobRunner;
  logger: Logger;
  /** HTTP exchanges with banks per institution and resource kind, for tests and benches. */
  upstreamCalls: UpstreamCallCounter;
  /** Data shares with lenders and the keys that sign their snapshots. */
  lenderSharing: LenderSharing;
  close(): Promise<void>;
}

/**
 * Starts everything one process runs: the database (embedded PGlite when no DATABASE_URL), migrations and seeds,
 * pub/sub, and one HTTP server carrying GraphQL over HTTP and WebSocket on the same path and port.
 */
export interface GatewayOptions {
  logger?: Logger;
  /**
   * The clock of the sync windows, the consent lifecycle and the in-process sandbox banks. Tests move it forward
   * to make banks book pending lines and post new ones; in production it is the system clock.
   */
  now?: () => Date;
  /** First wait between payment status reads (default 5 s); tests shorten it. */
  paymentPollBaseMs?: number;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  const cleanup: Array<[string, () => Promise<unknown>]> = [];
  const close = async () => {
    for (const [name, step] of cleanup.reverse()) {
      logger.debug({ step: name }, 'shutting down');
      await step().catch((error: unknown) => logger.warn({ err: error, step: name }, 'shutdown step failed'));
    }
  };
  try {
    const { dataSource, embedded } = await openDatabase(config, logger);
    if (embedded) cleanup.push(['embedded database', () => embedded.stop()]);
    cleanup.push(['database connections', () => dataSource.destroy()]);

    const applied = await runMigrations(dataSource);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    if (config.sandboxEnabled) await seedSandboxInstitutions(dataSource);

    const principals = new PrincipalsService(dataSource);
    const demoKeys = config.demoSeed ? await seedDemoPrincipals(principals, config.dataDir) : undefined;

    const messaging = config.redisUrl
      ? await RedisMessaging.connect(config.redisUrl, config.redisPrefix, logger)
      : new MemoryMessaging();
    cleanup.push(['messaging', () => messaging.close()]);

    const rateLimits = await RateLimits.create(config.limits, {
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      logger,
    });
    cleanup.push(['rate limits', () => rateLimits.close()]);
    const keyConcurrency = new KeyConcurrency(
      config.limits.concurrentRequestsPerKey,
      config.limits.queuedRequestsPerKey,
    );

    const jobs = await createJobRunner({ redisUrl: config.redisUrl, prefix: `${config.redisPrefix}jobs`, logger });
    cleanup.push(['jobs', () => jobs.close()]);

    const key = config.encryptionKey
      ? parseEncryptionKey(config.encryptionKey)
      : await loadOrCreateEncryptionKey(config.dataDir);
    const events = new EventsService(dataSource, messaging, logger, now);
    cleanup.push(['event feeds', () => events.close()]);
    let url = '';
    const upstreamCalls = new UpstreamCallCounter();
    const registry = new ProviderRegistry({
      observer: upstreamCalls,
      sandboxBaseUrl: () => `${url}/sandbox`,
      onTokensRefreshed: (providerConsentId, tokens) => connections.storeRefreshedTokens(providerConsentId, tokens),
    });
    const cipher = new TokenCipher(key);
    const secrets = new ConsentSecrets(cipher, lookupKey(key));
    const consentAccess = new ConsentAccess(dataSource, registry, secrets);
    const reconciliation = new ReconciliationService({ dataSource, events, jobs });
    // New and settled lines may pay open invoices: match them, once per burst of syncs.
    const sync = new SyncService({
      dataSource,
      consentAccess,
      events,
      jobs,
      logger,
      now,
      onSynced: (ownerId) => reconciliation.request(ownerId),
    });
    const invoices = new InvoicesService({ dataSource, onChanged: (ownerId) => reconciliation.request(ownerId) });
    const payouts = new PayoutsService({ dataSource, onChanged: (ownerId) => reconciliation.request(ownerId) });
    const connections: ConnectionsService = new ConnectionsService({
      dataSource,
      registry,
      secrets,
      events,
      callbackUrl: () => `${url}${CALLBACK_PATH}`,
      logger,
      // Step 5 ends with the first sync, with the user still present.
      onActivated: (connectionId, psu) => sync.request(connectionId, psu),
      authorisationTimeoutMs: config.consentAuthorisationTimeoutMs,
      now,
    });
    const connectLinks = new ConnectLinksService({
      dataSource,
      ttlMs: config.connectLinkTtlMs,
      connectScreenUrl: () => `${url}/app/connect`,
      now,
    });
    const transactions = new TransactionsService(dataSource);
    const payments = new PaymentsService({
      dataSource,
      registry,
      events,
      jobs,
      encryptionKey: key,
      callbackUrl: () => `${url}${PAYMENT_CALLBACK_PATH}`,
      logger,
      pollBaseMs: options.paymentPollBaseMs,
    });
    registerPaymentJobs(jobs, payments);
    const balances = new BalancesService({ consentAccess, messaging, now });
    const lenderSharing = await createLenderSharing({
      dataSource,
      events,
      transactions,
      balances,
      principals,
      cipher,
      jobs,
      now,
    });
    jobs.register(CONSENT_SWEEP_JOB, () => connections.sweep(), { exclusiveKey: () => CONSENT_SWEEP_JOB });
    jobs.register(OUTBOX_SWEEP_JOB, async () => void (await events.sweep(config.outboxRetentionDays)), {
      exclusiveKey: () => OUTBOX_SWEEP_JOB,
    });

    const services: GatewayServices = {
      dataSource,
      accounts: new AccountsService(dataSource),
      institutions: new InstitutionsService(dataSource),
      connections,
      connectLinks,
      transactions,
      sync,
      invoices,
      payouts,
      reconciliation,
      payments,
      lenderSharing,
      accounting: new AccountingService({
        dataSource,
        siren: config.accountingSiren,
        categoryAccounts: config.categoryAccounts,
        now,
      }),
    };
    const resolverInstances = new Map<unknown, object>(
      resolverBindings.map((binding) => [binding.type, binding.create(services)]),
    );
    const schema = await buildGatewaySchema({ get: (resolverClass) => resolverInstances.get(resolverClass) });
    const loaderDeps: LoaderDeps = { dataSource, balances };
    const contextFor = (
      principal: AuthenticatedPrincipal,
      psu: PsuContext,
      requestIp?: string,
      place?: GatewayContext['place'],
    ): GatewayContext =>
      new RequestContext(
        principal,
        psu,
        requestIp,
        events,
        () => createLoaders(loaderDeps, principal.actsForOwnerId, psu),
        place,
      );

    const app = express();
    app.disable('x-powered-by');
    // An ETag is a hash of every response body, and no client revalidates a GraphQL answer or a health check with it.
    app.set('etag', false);
    const httpServer = http.createServer(app);

    // Same introspection policy on both transports: refused in production.
    const introspection = config.env !== 'production';
    const wsServer = new WebSocketServer({
      server: httpServer,
      path: '/graphql',
      maxPayload: config.limits.wsMaxPayloadBytes,
      WebSocket: BatchedWebSocket,
    });
    const formatWebSocketError = createWebSocketFormatError(logger);
    const wsCleanup = useServer<Record<string, unknown>, SocketExtra>(
      {
        schema,
        connectionInitWaitTimeout: config.limits.wsConnectionInitTimeoutMs,
        ...socketLimits(schema, config.limits, introspection, rateLimits),
        // The key travels in the connection_init payload: browsers cannot set headers on a WebSocket.
        onConnect: async (ctx) => {
          const params = ctx.connectionParams ?? {};
          try {
            const address = ctx.extra.request.socket.remoteAddress;
            ctx.extra.principal = await authenticateWithinLimits(
              params.authorization ?? params.Authorization,
              address,
              principals,
              rateLimits,
              false,
            );
            return true;
          } catch (error) {
            // graphql-ws would close with a bare 4403 "Forbidden"; say why, as HTTP does (a close reason fits 123 bytes).
            ctx.extra.socket.close(
              CloseCode.Forbidden,
              Buffer.from((error as Error).message)
                .subarray(0, 123)
                .toString(),
            );
            return false;
          }
        },
        context: (ctx): GatewayContext =>
          contextFor(
            ctx.extra.principal!,
            psuFrom(ctx.connectionParams?.psuIpAddress),
            ctx.extra.request.socket.remoteAddress,
          ),
        onNext: (_ctx, _id, _payload, _args, result) =>
          result.errors ? { ...result, errors: formatWebSocketError.result(result.errors) } : undefined,
        onError: (_ctx, _id, _payload, errors) => formatWebSocketError.refusal(errors),
      },
      wsServer,
    );

    const apollo = new ApolloServer<GatewayContext>({
      schema,
      formatError: createFormatError(logger),
      includeStacktraceInErrorResponses: false,
      introspection,
      parseOptions: { maxTokens: config.limits.tokens },
      // main.ts owns signal handling and closes everything in order; Apollo's own handler would stop it twice.
      stopOnTerminationSignals: false,
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer }),
        {
          async serverWillStart() {
            return {
              async drainServer() {
                await wsCleanup.dispose();
              },
            };
          },
        },
        ApolloServerPluginLandingPageDisabled(),
        // No response here is cacheable (every one is one owner's), and Apollo's cache-control plugin, on by default,
        // wraps every field's resolver to compute a cache policy nobody reads.
        ApolloServerPluginCacheControlDisabled(),
        limitsPlugin<GatewayContext>(config.limits, (context, cost) => context.place?.charge(cost)),
        inputGuardPlugin(),
        connectLinkGuardPlugin(),
      ],
    });
    await apollo.start();
    cleanup.push(['http and websocket server', () => apollo.stop()]);

    const sandbox = config.sandboxEnabled
      ? createSandbox({
          now,
          controlToken: config.sandboxControlToken,
          stateFile: path.join(config.dataDir, 'sandbox-state.json'),
        })
      : undefined;
    if (sandbox) {
      app.use('/sandbox', sandbox.app);
      // Registered before the HTTP server's step, so it runs after it: no request changes the state once written.
      cleanup.splice(cleanup.length - 1, 0, ['sandbox state', async () => sandbox.saveState()]);
    }
    app.use(healthRouter(dataSource, messaging));
    // Prometheus text format, as scrapers expect it; counts and durations of bank calls, no owner data.
    app.get('/metrics', metricsGuard(config), async (_req, res) => {
      res.type(upstreamCalls.metrics.contentType).send(await upstreamCalls.metrics.metrics());
    });
    app.use(CALLBACK_PATH, consentCallbackRouter(connections));
    app.use(PAYMENT_CALLBACK_PATH, paymentCallbackRouter(payments));
    app.use(lenderSharing.router);
    app.use('/explorer', explorerRouter());
    app.use('/app', webAppRouter());
    app.get('/', (_req, res) => res.redirect('/app'));
    app.get('/graphql', (req, res, next) =>
      req.accepts(['json', 'html']) === 'html' ? res.redirect('/explorer') : next(),
    );
    app.use(
      '/graphql',
      express.json({ limit: '1mb' }),
      expressMiddleware(apollo, {
        context: async ({ req, res }) => {
          const place = requestPlace(keyConcurrency, req, res);
          const principal = await authenticateWithinLimits(
            req.headers.authorization,
            req.ip,
            principals,
            rateLimits,
            true,
            connectLinks,
          );
          await place.take(principal.apiKeyId);
          return contextFor(principal, psuFrom(req.get('x-psu-ip-address')), req.ip, place);
        },
      }),
    );
    app.use(jsonErrors(logger));

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, resolve);
    });
    const { port } = httpServer.address() as AddressInfo;
    url = config.publicUrl ?? `http://${loopbackFor(config.host)}:${port}`;
    sandbox?.control.registerOAuthClient(SANDBOX_CLIENT_ID, [`${url}${CALLBACK_PATH}`]);
    if (config.consentSweepMs > 0) await jobs.repeat(CONSENT_SWEEP_JOB, {}, { everyMs: config.consentSweepMs });
    if (config.consentSweepMs > 0) await jobs.repeat(PAYMENT_SWEEP_JOB, {}, { everyMs: config.consentSweepMs });
    if (config.consentSweepMs > 0) await lenderSharing.schedule(config.consentSweepMs);
    // Housekeeping shares the consent sweep's rhythm: both are cheap and neither needs its own setting.
    if (config.consentSweepMs > 0) await jobs.repeat(OUTBOX_SWEEP_JOB, {}, { everyMs: config.consentSweepMs });
    if (config.syncScheduleMs > 0) await sync.schedule(config.syncScheduleMs);
    logger.info(
      { url, database: embedded ? 'embedded' : 'postgres', messaging: config.redisUrl ? 'redis' : 'memory' },
      'gateway started',
    );
    return {
      url,
      dataSource,
      messaging,
      principals,
      demoKeys,
      sandbox: sandbox?.control,
      connections,
      sync,
      reconciliation,
      payments,
      jobs,
      logger,
      upstreamCalls,
      lenderSharing,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openDatabase(
  config: Config,
  logger: Logger,
): Promise<{ dataSource: DataSource; embedded?: EmbeddedPostgres }> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  if (embedded) logger.info({ dataDir: config.dataDir }, 'no DATABASE_URL: serving an embedded PGlite database');
  const dataSource = createDataSource({
    url: embedded?.url ?? config.databaseUrl!,
    entities,
    embedded: Boolean(embedded),
    statementTimeoutMs: config.statementTimeoutMs,
    poolSize: config.databasePoolSize,
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw new StartupError(`cannot reach the database at DATABASE_URL: ${(error as Error).message}`);
  }
  return { dataSource, embedded };
}

/** A failure to start that the operator can fix; `main` prints its one-line message instead of a stack trace. */
export class StartupError extends Error {}

const CALLBACK_PATH = '/connections/callback';
const PAYMENT_CALLBACK_PATH = '/payments/callback';
const CONSENT_SWEEP_JOB = 'consent-sweep';
const OUTBOX_SWEEP_JOB = 'outbox-sweep';

/** A separate key for the consent-id lookup hash, derived from the encryption key so configuration holds one secret. */
export function lookupKey(key: EncryptionKey): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), 'passerelle consent lookup', 32));
}

function psuFrom(ipAddress: unknown): PsuContext {
  return typeof ipAddress === 'string' && ipAddress.trim() ? { ipAddress: ipAddress.trim() } : {};
}

function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
