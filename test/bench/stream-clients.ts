/**
 * The subscribers of `bench:stream`'s fan-out, in a process of their own so the gateway's memory and CPU are measured
 * alone. Opens N clients, GraphQL (`transactionAdded`) or raw `ws`, and for each event label reports every client's
 * delivery latency (the event carries its send time) once all N have it.
 * Usage: stream-clients.ts graphql|raw <count> <url> [apiKey]
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [mode, countText, url, apiKey] = process.argv.slice(2);
const count = Number(countText);
const latencies = new Map<string, number[]>();

/** A message is `label@sentAtMs`. */
function received(message: string): void {
  const [label, sentAt] = message.split('@');
  const list = latencies.get(label) ?? [];
  list.push(Date.now() - Number(sentAt));
  latencies.set(label, list);
  if (list.length === count) process.stdout.write(`${JSON.stringify({ label, latencies: list })}\n`);
}

function graphqlClient(): void {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${apiKey}` }, retryAttempts: 0, lazy: false });
  client.subscribe<{ transactionAdded: { transaction: { remittanceInformation: string } } }>(
    { query: 'subscription { transactionAdded { cursor transaction { id remittanceInformation } } }' },
    { next: (result) => received(result.data!.transactionAdded.transaction.remittanceInformation), error: (error) => console.error(error), complete: () => undefined },
  );
}

function rawClient(): void {
  const socket = new WebSocket(url);
  socket.on('message', (data: Buffer) => received(data.toString()));
}

async function main(): Promise<void> {
  for (let opened = 0; opened < count; opened += 1) {
    if (mode === 'graphql') graphqlClient();
    else rawClient();
    // Opened in small bursts, as clients reconnecting after a deploy would, not all in one tick.
    if (opened % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write('opened\n');
}

void main();
