import { Router } from 'express';
import type { SigningService } from './signing.service';

/** `/.well-known/jwks.json` (RFC 8414 §3 location convention, RFC 7517 format): the keys snapshots are signed with. */
export function jwksRouter(signing: SigningService): Router {
  const router = Router();
  router.get('/.well-known/jwks.json', async (_req, res, next) => {
    try {
      // Short: a rotation must reach verifiers within minutes.
      res.set('cache-control', 'public, max-age=300').json({ keys: await signing.publicKeys() });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
