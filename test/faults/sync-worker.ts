import { createDataSource } from '../../src/db/data-source';
import { entities } from '../../src/modules';
import { createLogger } from '../../src/logger';
import { MemoryJobRunner } from '../../src/jobs/memory-job-runner';
import { EventsService } from '../../src/modules/events/events.service';
import { SyncService } from '../../src/modules/sync/sync.service';
import { MemoryMessaging } from '../../src/pubsub/memory-messaging';
import { bankAccess } from './bank-access';

/**
 * A sync worker in a process of its own, for the fault suite to kill with SIGKILL mid-sync: it syncs one connection
 * with the real engine against the suite's sandbox bank, on the suite's clock, and says when it starts.
 * Usage: DATABASE_URL=… ENCRYPTION_KEY=… SANDBOX_URL=… NOW_OFFSET_MS=… node -r ts-node/register sync-worker.ts <connectionId>
 */
async function main(): Promise<void> {
  const env = process.env;
  const connectionId = process.argv[2];
  const offsetMs = Number(env.NOW_OFFSET_MS ?? 0);
  const logger = createLogger('silent');
  const dataSource = createDataSource({ url: env.DATABASE_URL as string, entities });
  await dataSource.initialize();
  const messaging = new MemoryMessaging();
  const sync = new SyncService({
    dataSource,
    consentAccess: bankAccess(dataSource, env.SANDBOX_URL as string, env.ENCRYPTION_KEY as string),
    events: new EventsService(dataSource, messaging, logger),
    jobs: new MemoryJobRunner(logger),
    logger,
    now: () => new Date(Date.now() + offsetMs),
  });
  process.stdout.write('syncing\n');
  const result = await sync.syncConnection(connectionId, { ipAddress: '203.0.113.9' });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
