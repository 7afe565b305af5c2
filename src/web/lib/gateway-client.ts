import { Client, fetchExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/**
 * One GraphQL client per signed-in key: queries and mutations over HTTP (urql), subscriptions over graphql-ws on
 * the same /graphql path. The key goes in the Authorization header, and in the connection_init payload for the
 * socket, since browsers cannot set headers on a WebSocket.
 */
export interface GatewayClients {
  http: Client;
  ws: WsClient;
  /** Whether the socket is open now: a screen that subscribes on a socket opened earlier sees no new 'connected'. */
  isConnected(): boolean;
}

/** `ConnectLink` for a connect link, which the gateway accepts over HTTP only, for the connect screens' calls. */
export type AuthScheme = 'Bearer' | 'ConnectLink';

export function createGatewayClients(
  credential: string,
  origin: string = window.location.origin,
  scheme: AuthScheme = 'Bearer',
): GatewayClients {
  const authorization = `${scheme} ${credential}`;
  const http = new Client({
    url: `${origin}/graphql`,
    exchanges: [fetchExchange],
    // Every screen shows what the bank data is now; urql's document cache would show stale lists after a mutation.
    requestPolicy: 'network-only',
    // POST only: Apollo's CSRF prevention refuses simple GET requests, and keys in URLs end up in logs.
    preferGetMethod: false,
    fetchOptions: { headers: { authorization } },
  });
  const ws = createWsClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { authorization },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  let connected = false;
  ws.on('connected', () => (connected = true));
  ws.on('closed', () => (connected = false));
  return { http, ws, isConnected: () => connected };
}
