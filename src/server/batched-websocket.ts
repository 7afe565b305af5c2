import type { Socket } from 'node:net';
import WebSocket from 'ws';

/** Past this many unsent bytes a send waits until its frame is written: a slow client slows its stream down. */
const HIGH_WATER_BYTES = 1024 * 1024;

type SendOptions = Parameters<WebSocket['send']>[1];
type SendCallback = (error?: Error) => void;

/**
 * The server side of every GraphQL WebSocket. graphql-ws awaits each frame's write before it takes the next event,
 * and `ws` writes each frame on its own: a replay of 10,000 events cost 10,000 system calls and as many trips through
 * the event loop. Here frames sent in one turn of the event loop share one write (the TCP socket stays corked until
 * the turn ends), and a send resolves at once while the client keeps up. Once a client lags by more than
 * HIGH_WATER_BYTES, each send resolves only when its frame is written, as before.
 */
export class BatchedWebSocket extends WebSocket {
  private corked = false;

  override send(data: Parameters<WebSocket['send']>[0], options?: SendOptions | SendCallback, cb?: SendCallback): void {
    const callback = typeof options === 'function' ? options : cb;
    const sendOptions = typeof options === 'function' ? {} : (options ?? {});
    this.corkUntilTurnEnds();
    if (!callback || this.bufferedAmount >= HIGH_WATER_BYTES) {
      super.send(data, sendOptions, callback);
      return;
    }
    // A write error also closes the socket, which ends every subscription on it: nothing is left waiting.
    super.send(data, sendOptions);
    queueMicrotask(() => callback());
  }

  private corkUntilTurnEnds(): void {
    // `_socket` is ws's own TCP socket, set when the upgrade completes (ws keeps it internal but stable across 8.x).
    const tcp = (this as unknown as { _socket?: Socket })._socket;
    if (this.corked || !tcp || tcp.destroyed) return;
    this.corked = true;
    tcp.cork();
    // A tick queued from a promise callback runs once the microtasks drain: every frame of the turn is in by then.
    process.nextTick(() => {
      this.corked = false;
      tcp.uncork();
    });
  }
}
