import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { testTarget } from '../support/test-gateway';

// PGlite loads as an ES module, which jest runs only under --experimental-vm-modules: the embedded pass (test:embedded).
const onEmbedded = testTarget === 'embedded' ? describe : describe.skip;

onEmbedded('the embedded database on disk', () => {
  it('keeps the embedded database files private to the user', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'passerelle-private-'));
    const embedded = await startEmbeddedPostgres(dataDir);
    try {
      const exposed: string[] = [];
      const walk = async (folder: string) => {
        for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
          const entryPath = path.join(folder, entry.name);
          if (((await fs.stat(entryPath)).mode & 0o077) !== 0) exposed.push(entryPath);
          if (entry.isDirectory()) await walk(entryPath);
        }
      };
      await walk(dataDir);
      expect(((await fs.stat(dataDir)).mode & 0o777).toString(8)).toBe('700');
      expect(exposed).toEqual([]);
    } finally {
      await embedded.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
