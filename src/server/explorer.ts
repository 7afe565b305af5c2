import express, { type Router } from 'express';
import { getDistDirectory, renderAltair } from 'altair-static';

/**
 * A GraphQL explorer served entirely from this process (Altair's static build from node_modules): Apollo's default
 * landing page loads from a CDN and shows nothing on a machine without internet access.
 */
export function explorerRouter(): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const origin = `${req.protocol}://${req.get('host')}`;
    res.type('html').send(
      renderAltair({
        baseURL: `${req.baseUrl}/`,
        endpointURL: `${origin}/graphql`,
        subscriptionsEndpoint: `${origin.replace(/^http/, 'ws')}/graphql`,
        initialSubscriptionRequestHandlerId: 'graphql-ws',
        initialQuery: '{\n  viewer { id kind displayName scopes }\n  institutions(first: 10) { edges { node { id name country } } }\n}\n',
        initialHeaders: { Authorization: 'Bearer <paste the api key printed at start>' },
        initialSubscriptionsPayload: { authorization: 'Bearer <paste the api key printed at start>' },
        disableAccount: true,
      }),
    );
  });
  router.use(express.static(getDistDirectory()));
  return router;
}
