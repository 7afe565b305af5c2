import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { BatchedWebSocket } from '../../src/server/batched-websocket';

interface Connected {
  server: WebSocketServer;
  serverSide: BatchedWebSocket;
  tcp: Socket;
  client: WebSocket;
  received: string[];
}

async function connect(): Promise<Connected> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', WebSocket: BatchedWebSocket });
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<[BatchedWebSocket, Socket]>((resolve) =>
    server.once('connection', (socket: BatchedWebSocket, request: IncomingMessage) =>
      resolve([socket, request.socket as Socket]),
    ),
  );
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data: Buffer) => received.push(data.toString()));
  await new Promise((resolve) => client.once('open', resolve));
  const [serverSide, tcp] = await accepted;
  return { server, serverSide, tcp, client, received };
}

async function close({ server, client }: Connected): Promise<void> {
  client.terminate();
  for (const socket of server.clients) socket.terminate();
  await new Promise((resolve) => server.close(resolve));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const send = (socket: WebSocket, data: string | Buffer) =>
  new Promise<void>((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));

describe('the GraphQL WebSocket server socket', () => {
  it('writes the frames sent in one turn of the event loop together, in order', async () => {
    const connected = await connect();
    const writes = jest.spyOn(connected.tcp as unknown as { _writev: () => void }, '_writev');
    const frames = Array.from({ length: 200 }, (_, index) => `event ${index}`);
    await Promise.all(frames.map((frame) => send(connected.serverSide, frame)));
    await until(() => connected.received.length === frames.length);

    expect(connected.received).toEqual(frames);
    expect(writes).toHaveBeenCalledTimes(1);
    await close(connected);
  });

  it('holds a sender back once its client lags by more than a megabyte, and delivers everything when it catches up', async () => {
    const connected = await connect();
    // The client stops reading: what the server sends piles up in the kernel's buffers, then in the socket's.
    (connected.client as unknown as { _socket: Socket })._socket.pause();
    const frame = (index: number) => `${index}:${'x'.repeat(64 * 1024)}`;
    const total = 800; // 50 MB: far more than the kernel's buffers hold
    let sent = 0;
    const sending = (async () => {
      for (; sent < total; sent += 1) await send(connected.serverSide, frame(sent));
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(sent).toBeLessThan(total);
    expect(connected.serverSide.bufferedAmount).toBeLessThan(4 * 1024 * 1024);

    (connected.client as unknown as { _socket: Socket })._socket.resume();
    await sending;
    await until(() => connected.received.length === total);
    expect(connected.received.map((message) => Number(message.split(':')[0]))).toEqual(
      Array.from({ length: total }, (_, index) => index),
    );
    await close(connected);
  });
});
