import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Messaging } from '../pubsub/messaging';

const READINESS_TIMEOUT_MS = 2_000;

/** `/healthz`: the process answers. `/readyz`: it can serve, i.e. the database and pub/sub answer too. */
export function healthRouter(dataSource: DataSource, messaging: Messaging): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [database, pubsub] = await Promise.all([
      probe(() => dataSource.query('SELECT 1')),
      probe(() => messaging.ping()),
    ]);
    const ready = database === 'ok' && pubsub === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database, pubsub });
  });
  return router;
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
