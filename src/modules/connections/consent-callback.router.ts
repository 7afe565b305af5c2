import express, { type Router } from 'express';
import type { ConnectionsService } from './connections.service';

/**
 * Step 5: the bank sends the user's browser here. The consent is completed, then the browser goes on to the
 * client's redirectUri with the outcome (`status`, `consentId`, and `reason` when it failed). A link used again (back
 * button, reload) changes nothing and sends the browser back too, with `status=ERROR`, so the user is never stranded
 * at the gateway. Only a state that ties to no consent gets a plain page: there is no redirectUri to trust then.
 */
export function consentCallbackRouter(connections: ConnectionsService): Router {
  const router = express.Router();
  router.get('/', async (req, res, next) => {
    try {
      const query = Object.fromEntries(
        Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
      const outcome = await connections.complete(query, { ipAddress: req.ip, userAgent: req.get('user-agent') });
      if (outcome.kind === 'refused' && !outcome.consent) {
        res.status(400).type('html').send(page('This authorisation link cannot be used', outcome.reason));
        return;
      }
      const consent = outcome.consent!;
      const target = new URL(consent.redirectUri);
      target.searchParams.set('consentId', consent.id);
      target.searchParams.set('status', outcome.kind === 'refused' ? 'ERROR' : consent.status);
      const reason = outcome.kind === 'refused' ? outcome.reason : consent.statusReason;
      if (reason) target.searchParams.set('reason', reason);
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
