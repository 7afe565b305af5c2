/**
 * The clients of `bench:stream`, in a process of their own so the gateway's memory and CPU are measured alone.
 * - graphql|raw: opens N clients, GraphQL (`transactionAdded`) or raw `ws`, and for each event label reports every
 *   client's delivery latency (the event carries its send time) once all N have it.
 * - replay: one GraphQL client replays `transactionChanged` from "0" and reports, as label `replay`, the time from its
 *   subscribe to its Nth event.
 * Usage: stream-clients.ts graphql|raw|replay <count> <url> [apiKey]
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [mode, countText, url, apiKey] = process.argv.slice(2);
const count = Number(countText);
const latencies = new Map<string, number[]>();
const reported = new Set<string>();
/** Clients whose connection failed (the gateway refused or dropped it): reported, and not waited for. */
let failed = 0;

/** A message is `label@sentAtMs`. */
function received(message: string): void {
  const [label, sentAt] = message.split('@');
  const list = latencies.get(label) ?? [];
  list.push(Date.now() - Number(sentAt));
  latencies.set(label, list);
  report(label);
}

function report(label: string): void {
  const list = latencies.get(label) ?? [];
  if (reported.has(label) || list.length < count - failed) return;
  reported.add(label);
  process.stdout.write(`${JSON.stringify({ label, latencies: list, failed })}\n`);
}

function clientFailed(): void {
  failed += 1;
  for (const label of latencies.keys()) report(label);
}

/** A graphql-ws client of the gateway that connects at once and never retries: a failure is a failure. */
function gatewayClient() {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
    retryAttempts: 0,
    lazy: false,
  });
}

function graphqlClient(): void {
  const client = gatewayClient();
  client.subscribe<{ transactionAdded: { transaction: { remittanceInformation: string } } }>(
    { query: 'subscription { transactionAdded { cursor transaction { id remittanceInformation } } }' },
    {
      next: (result) => received(result.data!.transactionAdded.transaction.remittanceInformation),
      error: clientFailed,
      complete: () => undefined,
    },
  );
}

function rawClient(): void {
  const socket = new WebSocket(url);
  socket.on('message', (data: Buffer) => received(data.toString()));
  socket.on('error', clientFailed);
}

function replayClient(): void {
  const client = gatewayClient();
  client.on('connected', () => {
    const started = performance.now();
    let events = 0;
    client.subscribe(
      {
        query:
          'subscription { transactionChanged(after: "0") { cursor kind transaction { id amount currency date counterpartyName remittanceInformation } } }',
      },
      {
        next: () => {
          events += 1;
          if (events !== count) return;
          process.stdout.write(
            `${JSON.stringify({ label: 'replay', latencies: [performance.now() - started], failed })}\n`,
          );
          void client.dispose();
        },
        error: clientFailed,
        complete: () => undefined,
      },
    );
  });
}

async function main(): Promise<void> {
  if (mode === 'replay') {
    process.stdout.write('opened\n');
    return replayClient();
  }
  for (let opened = 0; opened < count; opened += 1) {
    if (mode === 'graphql') graphqlClient();
    else rawClient();
    // Opened in small bursts, as clients reconnecting after a deploy would, not all in one tick.
    if (opened % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write('opened\n');
}

void main();
