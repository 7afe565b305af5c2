/**
 * Part of `npm run bench:unified`: transactions ingested per second by the sync engine (feed diff, fingerprints,
 * COPY of the new lines, their outbox events, all in one database transaction) against a raw `COPY` of the same rows
 * on the same database. Issue 5 target: engine ≥ 0.5 × COPY.
 *
 * The baseline is a COPY of the same rows into `transaction` itself (for another account of the same owner): same
 * table, indexes, foreign key and write-ahead log as the engine's rows. The table also shows a COPY into a fresh,
 * empty table of the same shape without the foreign key: the cheapest COPY there is, which even a raw COPY into
 * `transaction` reaches only about half of.
 *
 * Runs on the real PostgreSQL (TEST_DATABASE_URL or the test database) with in-memory pub/sub and jobs: the
 * measure is the store's, not Redis'. One unmeasured run warms the JIT first. Prints a table and writes
 * test/bench/results/sync-ingest.json with every run's figures. */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { encodeRows } from '../../src/db/copy';
import { createDataSource, runMigrations } from '../../src/db/data-source';
import { entities } from '../../src/modules';
import { createLogger } from '../../src/logger';
import { MemoryJobRunner } from '../../src/jobs';
import { Account } from '../../src/modules/accounts/account.entity';
import type { ConsentAccess } from '../../src/modules/connections/consent-access';
import { EventsService } from '../../src/modules/events/events.service';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { seedSandboxInstitutions } from '../../src/modules/institutions/institution.seed';
import { Principal } from '../../src/modules/principals/principal.entity';
import { SyncService } from '../../src/modules/sync/sync.service';
import type { ProviderTransaction } from '../../src/providers';
import { transactionFingerprint } from '../../src/modules/sync/engine';
import { MemoryMessaging } from '../../src/pubsub/memory-messaging';
import { ensureTestDatabase, TEST_DATABASE_URL } from '../support/services';
import { benchAccount, feed } from './bench-lines';

const SIZES = [10_000, 50_000];
const RUNS = 5;
const TARGET_RATIO = 0.5;

const COPY_COLUMNS =
  'id, account_id, owner_id, provider_transaction_id, status, amount, currency, date, booking_date, value_date, counterparty_name, counterparty_iban, remittance_unstructured, end_to_end_id, bank_transaction_code, fingerprint';

/** COPY text for the lines, encoded before the clock starts: the baseline is the database's work alone. */
function copyRows(lines: ProviderTransaction[], account: Account): string[] {
  const rows = lines.map((line) => [
    randomUUID(),
    account.id,
    account.ownerId,
    line.providerTransactionId,
    line.status,
    line.amount.amount,
    line.amount.currency,
    line.date,
    line.bookingDate,
    line.valueDate,
    line.counterparty?.name,
    line.counterparty?.iban,
    line.remittanceUnstructured,
    line.endToEndId,
    line.bankTransactionCode,
    transactionFingerprint(line),
  ]);
  return [...encodeRows(rows)];
}

async function timedCopy(pg: PoolClient, table: string, text: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await pipeline(Readable.from(text), pg.query(copyFrom(`COPY ${table} (${COPY_COLUMNS}) FROM STDIN`)));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  await ensureTestDatabase();
  const dataSource = createDataSource({ url: TEST_DATABASE_URL, entities });
  await dataSource.initialize();
  await runMigrations(dataSource);
  const logger = createLogger('silent');
  const messaging = new MemoryMessaging();
  const jobs = new MemoryJobRunner(logger);
  const today = new Date();
  const sync = new SyncService({
    dataSource,
    // The bench feeds lines directly (syncAccount's readFeed); no bank is called.
    consentAccess: undefined as unknown as ConsentAccess,
    events: new EventsService(dataSource, messaging, logger),
    jobs,
    logger,
    now: () => today,
  });
  await seedSandboxInstitutions(dataSource);
  const institution = await dataSource.getRepository(Institution).findOneByOrFail({ slug: 'sandbox-berlin-group' });

  /** One fresh account synced from the feed by the engine, then the same rows by raw COPY. */
  async function measureOnce(
    lines: ProviderTransaction[],
  ): Promise<{ engineMs: number; copyMs: number; bareCopyMs: number }> {
    const account = await benchAccount(dataSource, institution.id);
    try {
      const started = process.hrtime.bigint();
      const counts = await sync.syncAccount(account, { historyDays: 400 }, async () => lines);
      const engineMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (counts.ADDED !== lines.length) throw new Error(`expected ${lines.length} lines added, got ${counts.ADDED}`);

      const copyAccount = await dataSource
        .getRepository(Account)
        .save({ ...account, id: undefined, providerAccountId: randomUUID() });
      const [pg, release] = await (
        dataSource.driver as unknown as { obtainMasterConnection(): Promise<[PoolClient, () => void]> }
      ).obtainMasterConnection();
      try {
        await pg.query('DROP TABLE IF EXISTS bench_copy_target');
        await pg.query('CREATE TABLE bench_copy_target (LIKE transaction INCLUDING ALL)');
        const copyMs = await timedCopy(pg, 'transaction', copyRows(lines, copyAccount));
        const bareCopyMs = await timedCopy(pg, 'bench_copy_target', copyRows(lines, copyAccount));
        return { engineMs, copyMs, bareCopyMs };
      } finally {
        await pg.query('DROP TABLE IF EXISTS bench_copy_target');
        release();
      }
    } finally {
      await dataSource.getRepository(Principal).delete({ id: account.ownerId });
      await dataSource.query('DELETE FROM outbox_batch WHERE owner_id = $1', [account.ownerId]);
    }
  }

  await measureOnce(feed(SIZES[0], today));
  const rows: Array<Record<string, number>> = [];
  const runs: Array<{ lines: number; engineMs: number; copyMs: number; bareCopyMs: number }> = [];
  for (const size of SIZES) {
    const lines = feed(size, today);
    const measured = [];
    for (let run = 0; run < RUNS; run += 1) measured.push(await measureOnce(lines));
    runs.push(...measured.map((figures) => ({ lines: size, ...figures })));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const engine = median(measured.map((figures) => figures.engineMs));
    const copy = median(measured.map((figures) => figures.copyMs));
    const bareCopy = median(measured.map((figures) => figures.bareCopyMs));
    rows.push({
      lines: size,
      engineMs: Math.round(engine),
      engineLinesPerSecond: Math.round((size / engine) * 1000),
      copyMs: Math.round(copy),
      copyLinesPerSecond: Math.round((size / copy) * 1000),
      ratio: Number((copy / engine).toFixed(3)),
      bareCopyMs: Math.round(bareCopy),
      ratioToBareCopy: Number((bareCopy / engine).toFixed(3)),
    });
  }

  console.table(rows);
  const worst = Math.min(...rows.map((row) => Number(row.ratio)));
  console.log(
    `engine / COPY throughput: ${worst} at worst (target ≥ ${TARGET_RATIO}): ${worst >= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'sync-ingest.json'),
    JSON.stringify({ measure: 'sync-ingest-vs-copy', target: TARGET_RATIO, runsPerSize: RUNS, rows, runs }, null, 2),
  );
  await jobs.close();
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
