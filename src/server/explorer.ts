import express, { type RequestHandler, type Router } from 'express';
import { getDistDirectory, renderAltair } from 'altair-static';

/**
 * A GraphQL explorer served entirely from this process (Altair's static build from node_modules): Apollo's default
 * landing page loads from a CDN and shows nothing on a machine without internet access.
 */
export function explorerRouter(): Router {
  const router = express.Router();
  router.use(securityHeaders);
  router.get('/', (req, res) => {
    const origin = `${req.protocol}://${req.get('host')}`;
    res.type('html').send(
      renderAltair({
        baseURL: `${req.baseUrl}/`,
        endpointURL: `${origin}/graphql`,
        subscriptionsEndpoint: `${origin.replace(/^http/, 'ws')}/graphql`,
        initialSubscriptionRequestHandlerId: 'graphql-ws',
        initialQuery:
          '{\n  viewer { id kind displayName scopes }\n  institutions(first: 10) { edges { node { id name country } } }\n}\n',
        initialHeaders: { Authorization: 'Bearer <paste the api key printed at start>' },
        initialSubscriptionsPayload: { authorization: 'Bearer <paste the api key printed at start>' },
        disableAccount: true,
      }),
    );
  });
  router.use(express.static(getDistDirectory()));
  return router;
}

/**
 * The explorer holds an API key in the page: no framing by another site (clickjacking), scripts and connections only
 * to this origin (Altair's boot script is inline, hence 'unsafe-inline'), no referrer leaking the page's URL.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  next();
};
