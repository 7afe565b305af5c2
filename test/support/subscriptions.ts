import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A subscription over WebSocket that records what it receives, as an accounting tool's listener would. */
export function subscribe<T>(
  gatewayUrl: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const client = createClient({
    url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
    retryAttempts: 0,
  });
  const received: T[] = [];
  const errors: unknown[] = [];
  client.subscribe<T>(
    { query, variables },
    {
      next: (result) => (result.data ? received.push(result.data) : errors.push(result.errors)),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { received, errors, close: () => client.dispose() };
}

/** Retries an assertion until it holds or the time is up: events arrive asynchronously. */
export async function eventually(check: () => void, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export const settle = (ms = 200) => new Promise((resolve) => setTimeout(resolve, ms));
