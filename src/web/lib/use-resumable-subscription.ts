import { useEffect, useRef, useState } from 'react';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useGatewayClients } from '../components/gateway-provider';
import { CursorTracker } from './cursor-tracker';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'failed';

/**
 * Subscribes to a cursor-carrying event stream and, after every reconnect, subscribes again from the last cursor it
 * saw, so that no event is missed and none is shown twice. `pick` returns the event's cursor.
 */
export function useResumableSubscription<TData, TVariables extends { after?: string | null }>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  pick: (data: TData) => string,
  onEvent: (data: TData) => void,
  enabled = true,
): { state: StreamState; error?: string } {
  const { ws, isConnected } = useGatewayClients();
  const [state, setState] = useState<StreamState>('connecting');
  const [error, setError] = useState<string>();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = JSON.stringify(variables);

  useEffect(() => {
    if (!enabled) return undefined;
    const tracker = new CursorTracker(variables.after ?? undefined);
    const query = print(document);
    let dispose: (() => void) | undefined;
    const subscribe = () => {
      dispose?.();
      dispose = ws.subscribe<TData>(
        { query, variables: { ...variables, after: tracker.after } as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors?.length) {
              setError(result.errors[0].message);
              setState('failed');
              return;
            }
            if (result.data && tracker.accept(pick(result.data as TData))) handler.current(result.data as TData);
          },
          error: () => setState('reconnecting'),
          complete: () => undefined,
        },
      );
    };
    const offConnected = ws.on('connected', (_socket, _payload, wasRetry) => {
      setState('live');
      if (wasRetry) subscribe();
    });
    const offClosed = ws.on('closed', () => setState('reconnecting'));
    subscribe();
    if (isConnected()) setState('live');
    return () => {
      offConnected();
      offClosed();
      dispose?.();
    };
    // The stream restarts only when what it asks for changes (key), not on every render's new variables object.
  }, [ws, isConnected, document, key, enabled]);

  return { state, error };
}
