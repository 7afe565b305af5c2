import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { createDataSource, runMigrations } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const dataSource = createDataSource({
    url: embedded?.url ?? config.databaseUrl!,
    // Migrations are plain SQL: applying them needs no entity metadata.
    entities: [],
    embedded: Boolean(embedded),
  });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`passerelle migrate: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
