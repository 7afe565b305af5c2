import express, { type Router } from 'express';
import type { PaymentsService } from './payments.service';

/**
 * The bank sends the payer's browser here after SCA. The payment is completed (confirmed at STET, read at Berlin
 * Group), then the browser goes on to the client's redirectUri with `paymentId`, `status`, and `reason` when rejected.
 * A callback that ties to no payment, or comes twice, changes nothing and gets a plain page.
 */
export function paymentCallbackRouter(payments: PaymentsService): Router {
  const router = express.Router();
  router.get('/', async (req, res, next) => {
    try {
      const query = Object.fromEntries(
        Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
      const outcome = await payments.complete(query);
      if (outcome.kind === 'refused') {
        res.status(400).type('html').send(page('This payment link cannot be used', outcome.reason));
        return;
      }
      const { payment } = outcome;
      if (!payment.redirectUri) {
        res
          .status(200)
          .type('html')
          .send(page(`Payment ${payment.status}`, payment.statusReason ?? 'You may close this page.'));
        return;
      }
      const target = new URL(payment.redirectUri);
      target.searchParams.set('paymentId', payment.id);
      target.searchParams.set('status', payment.status);
      if (payment.statusReason) target.searchParams.set('reason', payment.statusReason);
      res.redirect(302, target.toString());
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function page(title: string, detail: string): string {
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
}
