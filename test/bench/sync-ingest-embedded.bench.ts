/**
 * Part of `npm run bench:unified`: the sync engine's ingest on the embedded default (PGlite served on a loopback port,
 * one session, no COPY: new lines and their events go in as multi-row INSERTs). PGlite has no COPY to compare with,
 * so this prints lines per second beside the PostgreSQL figures of sync-ingest.bench.ts.
 * Writes test/bench/results/sync-ingest-embedded.json.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, runMigrations } from '../../src/db/data-source';
import { entities } from '../../src/modules';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { MemoryJobRunner } from '../../src/jobs';
import { createLogger } from '../../src/logger';
import type { ConsentAccess } from '../../src/modules/connections/consent-access';
import { EventsService } from '../../src/modules/events/events.service';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { seedSandboxInstitutions } from '../../src/modules/institutions/institution.seed';
import { SyncService } from '../../src/modules/sync/sync.service';
import { MemoryMessaging } from '../../src/pubsub/memory-messaging';
import { benchAccount, feed } from './bench-lines';

const SIZE = 10_000;
const RUNS = 3;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-'));
  const embedded = await startEmbeddedPostgres(dataDir);
  const dataSource = createDataSource({ url: embedded.url, entities, embedded: true });
  await dataSource.initialize();
  const logger = createLogger('silent');
  const jobs = new MemoryJobRunner(logger);
  try {
    await runMigrations(dataSource);
    await seedSandboxInstitutions(dataSource);
    const institution = await dataSource.getRepository(Institution).findOneByOrFail({ slug: 'sandbox-berlin-group' });
    const today = new Date();
    const events = new EventsService(dataSource, new MemoryMessaging(), logger);
    // The bench feeds lines directly (syncAccount's readFeed); no bank is called.
    const sync = new SyncService({
      dataSource,
      consentAccess: undefined as unknown as ConsentAccess,
      events,
      jobs,
      logger,
      now: () => today,
    });
    const lines = feed(SIZE, today);
    const runs: number[] = [];
    for (let run = 0; run <= RUNS; run += 1) {
      const account = await benchAccount(dataSource, institution.id);
      const started = process.hrtime.bigint();
      await sync.syncAccount(account, { historyDays: 400 }, async () => lines);
      // The first run warms the JIT and is not counted.
      if (run > 0) runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    const row = { lines: SIZE, engineMs: Math.round(median), engineLinesPerSecond: Math.round((SIZE / median) * 1000) };
    console.table([row]);
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'sync-ingest-embedded.json'),
      JSON.stringify({ measure: 'sync-ingest-embedded', row, runs }, null, 2),
    );
  } finally {
    await jobs.close();
    await dataSource.destroy();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
