import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The new user's path, for real: `npm start` with no DATABASE_URL and no REDIS_URL, in a fresh data folder, then a
 * restart on the same folder. Slow (it builds and boots PGlite twice), so it lives in e2e/.
 */
const root = path.join(__dirname, '..', '..');
const STARTUP_LIMIT_MS = 60_000;

interface Started {
  child: ChildProcess;
  url: string;
  appUrl: string;
  ownerKey: string;
  lenderKey: string;
  output: string[];
}

/** Environment with no service URLs at all, as on a machine that has neither Postgres nor Redis. */
function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
  return { ...rest, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...extra };
}

function start(dataDir: string): Promise<Started> {
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env: embeddedEnv(dataDir), detached: true });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not started within ${STARTUP_LIMIT_MS} ms:\n${output.join('\n')}`)),
      STARTUP_LIMIT_MS,
    );
    const found: Partial<Started> = { child, output };
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const url = /listening on (\S+)\/graphql$/.exec(line)?.[1];
      if (url) found.url = url;
      const app = /^app: (\S+)$/.exec(line)?.[1];
      if (app) found.appUrl = app;
      const owner = /^owner api key: (\S+)$/.exec(line)?.[1];
      if (owner) found.ownerKey = owner;
      const lender = /^lender api key: (\S+)$/.exec(line)?.[1];
      if (lender) found.lenderKey = lender;
      if (found.url && found.appUrl && found.ownerKey && found.lenderKey) {
        clearTimeout(timer);
        resolve(found as Started);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

async function stop(started: Started): Promise<void> {
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  process.kill(-started.child.pid!, 'SIGTERM');
  await exited;
}

async function institutions(started: Started): Promise<unknown> {
  const response = await fetch(`${started.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${started.ownerKey}` },
    body: JSON.stringify({ query: '{ institutions(first: 10) { edges { node { id name country } } } }' }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

describe('npm start on the embedded default', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'passerelle-e2e-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it(
    'answers the institutions query with a printed key, and again after a restart with the same data',
    async () => {
      const first = await start(dataDir);
      let before: unknown;
      try {
        before = await institutions(first);
        expect(before).toMatchObject({
          data: { institutions: { edges: expect.arrayContaining([expect.anything()]) } },
        });
        // npm start builds the web app too: the printed app URL serves it, and its own routes reload to it.
        expect(first.appUrl).toBe(`${first.url}/app`);
        for (const page of [first.appUrl, `${first.appUrl}/connect`]) {
          const response = await fetch(page);
          expect(response.status).toBe(200);
          expect(await response.text()).toContain('<div id="root"></div>');
        }
      } finally {
        await stop(first);
      }

      const second = await start(dataDir);
      try {
        expect(second.ownerKey).toBe(first.ownerKey);
        expect(second.lenderKey).toBe(first.lenderKey);
        expect(await institutions(second)).toEqual(before);
      } finally {
        await stop(second);
      }
    },
    3 * STARTUP_LIMIT_MS,
  );

  it('stops at a bad configuration value with one line naming the variable', () => {
    const result = spawnSync('node', ['dist/src/main.js'], {
      cwd: root,
      env: embeddedEnv(dataDir, { PORT: 'eighty' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'passerelle: invalid configuration: PORT must be a whole number from 0 to 65535 (got "eighty")',
    );
    expect(result.stdout).toBe('');
  });
});
