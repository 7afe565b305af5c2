import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './services';
import { TEST_ENCRYPTION_KEY } from './test-gateway';

/**
 * A second gateway in a process of its own, on the same PostgreSQL and Redis (under `redisPrefix`): what a second
 * replica behind a load balancer is. It runs the source through ts-node, so no build is needed.
 */
export async function startGatewayProcess(redisPrefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const root = path.join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_SEED: 'false',
      CONSENT_SWEEP_SECONDS: '0',
      SYNC_SCHEDULE_SECONDS: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    },
  });
  const output: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the second gateway did not start:\n${output.join('\n')}`)),
      45_000,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const found = /listening on (\S+)\/graphql$/.exec(line)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the second gateway exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
