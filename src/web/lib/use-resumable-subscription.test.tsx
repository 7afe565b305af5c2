import { act, render } from '@testing-library/react';
import type { Client as WsClient, Sink } from 'graphql-ws';
import { Client, fetchExchange } from 'urql';
import { LiveTransactionsDocument, type LiveTransactionsSubscription } from '../generated/graphql';
import { GatewayClientsProvider } from '../components/gateway-provider';
import { useResumableSubscription } from './use-resumable-subscription';

/** A graphql-ws client stand-in that records each subscribe and lets the test push events and reconnect. */
function fakeSocket() {
  const subscriptions: Array<{ variables: Record<string, unknown>; sink: Sink; disposed: boolean }> = [];
  const listeners: Record<string, Array<(...args: unknown[]) => void>> = {};
  const ws = {
    subscribe(payload: { variables?: Record<string, unknown> }, sink: Sink) {
      const entry = { variables: payload.variables ?? {}, sink, disposed: false };
      subscriptions.push(entry);
      return () => (entry.disposed = true);
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      (listeners[event] ??= []).push(listener);
      return () => (listeners[event] = listeners[event].filter((candidate) => candidate !== listener));
    },
  } as unknown as WsClient;
  const emit = (event: string, ...args: unknown[]) => listeners[event]?.forEach((listener) => listener(...args));
  return { ws, subscriptions, emit };
}

function event(cursor: string): { data: LiveTransactionsSubscription } {
  return {
    data: {
      transactionAdded: {
        cursor,
        transaction: {
          id: `t${cursor}`,
          date: '2026-12-01',
          status: 'BOOKED',
          amount: '10.00',
          currency: 'EUR',
          counterpartyName: null,
          remittanceInformation: null,
          account: { id: 'a', name: 'A' },
        },
      },
    },
  };
}

describe('a live list after the socket drops', () => {
  it('subscribes again from the last cursor it showed, and shows an event delivered twice only once', () => {
    const socket = fakeSocket();
    const shown: string[] = [];
    function Probe() {
      useResumableSubscription(
        LiveTransactionsDocument,
        { after: undefined },
        (data) => data.transactionAdded.cursor,
        (data) => shown.push(data.transactionAdded.cursor),
      );
      return null;
    }
    const http = new Client({ url: 'http://127.0.0.1/graphql', exchanges: [fetchExchange] });
    render(
      <GatewayClientsProvider clients={{ http, ws: socket.ws, isConnected: () => true }}>
        <Probe />
      </GatewayClientsProvider>,
    );
    expect(socket.subscriptions).toHaveLength(1);
    expect(socket.subscriptions[0].variables.after).toBeUndefined();

    act(() => {
      socket.subscriptions[0].sink.next(event('7'));
      socket.subscriptions[0].sink.next(event('8'));
      socket.emit('closed');
      socket.emit('connected', {}, {}, true);
    });
    expect(socket.subscriptions).toHaveLength(2);
    expect(socket.subscriptions[0].disposed).toBe(true);
    expect(socket.subscriptions[1].variables.after).toBe('8');

    act(() => {
      // The old subscription's last frame and the replay overlap: each cursor is shown once, in order.
      socket.subscriptions[1].sink.next(event('8'));
      socket.subscriptions[1].sink.next(event('9'));
    });
    expect(shown).toEqual(['7', '8', '9']);
  });
});
