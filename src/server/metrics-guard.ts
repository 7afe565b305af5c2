import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

/**
 * /metrics shares the public port, so it needs its own gate: with METRICS_TOKEN it answers only that bearer token;
 * without one it is open for local development and off (404) in production, where bank call rates are not public.
 */
export function metricsGuard(config: Pick<Config, 'env' | 'metricsToken'>): RequestHandler {
  return (req, res, next) => {
    if (!config.metricsToken) {
      if (config.env === 'production') res.status(404).end();
      else next();
      return;
    }
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    const expected = Buffer.from(config.metricsToken);
    if (given.length === expected.length && timingSafeEqual(given, expected)) next();
    else res.status(401).set('www-authenticate', 'Bearer').end();
  };
}
