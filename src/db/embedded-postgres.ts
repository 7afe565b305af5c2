import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A `postgres://` URL on a loopback port, for the same `pg` driver and migrations as a real server. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves a PGlite database kept in `dataDir/pgdata` on a loopback port, so a fresh machine needs no Postgres server.
 * PGlite is a single session: the gateway must use a pool of one connection with it (see `createDataSource`), or two
 * connections would interleave inside one transaction.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const pgdata = path.join(dataDir, 'pgdata');
  await fs.mkdir(pgdata, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(pgdata);
  // PGlite creates its files world-readable and writable; they hold every owner's bank data.
  await makePrivate(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Folders 0700 and files 0600, the data folder included: another user of the machine can neither list nor read. */
async function makePrivate(folder: string): Promise<void> {
  await fs.chmod(folder, 0o700);
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) await makePrivate(entryPath);
    else if (entry.isFile()) await fs.chmod(entryPath, 0o600);
  }
}
