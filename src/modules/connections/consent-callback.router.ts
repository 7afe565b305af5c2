import express, { type Router } from 'express';
import type { ConnectionsService } from './connections.service';

/**
 * Step 5: the bank sends the user's browser here. The consent is completed, then the browser goes on to the
 * client's redirectUri with the outcome (`status`, `consentId`, and `reason` when it failed). A callback that cannot
 * be tied to a pending consent (unknown or reused state) changes nothing and gets a plain page, not a redirect.
 */
export function consentCallbackRouter(connections: ConnectionsService): Router {
  const router = express.Router();
  router.get('/', async (req, res, next) => {
    try {
      const query = Object.fromEntries(Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const outcome = await connections.complete(query, { ipAddress: req.ip, userAgent: req.get('user-agent') });
      if (outcome.kind === 'refused') {
        res.status(400).type('html').send(page('This authorisation link cannot be used', outcome.reason));
        return;
      }
      const { consent } = outcome;
      const target = new URL(consent.redirectUri);
      target.searchParams.set('consentId', consent.id);
      target.searchParams.set('status', consent.status);
      if (consent.statusReason) target.searchParams.set('reason', consent.statusReason);
      res.redirect(302, target.toString());
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function page(title: string, detail: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(detail)}</p><p>Start the connection again from the application.</p></body></html>`;
}
