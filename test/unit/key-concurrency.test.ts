import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { KeyConcurrency, requestPlace } from '../../src/server/key-concurrency';

/** Lets pending promise callbacks run, so a waiter that was going to start has started. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('operations running at once per API key', () => {
  it('run up to the key’s share, the rest wait in order, and another key’s start at once', async () => {
    const gate = new KeyConcurrency(2, 10);
    const started: string[] = [];
    const run = (key: string, name: string) =>
      gate.acquire(key).then((release) => {
        started.push(name);
        return release;
      });

    const first = run('busy', 'a');
    const second = run('busy', 'b');
    const third = run('busy', 'c');
    const fourth = run('busy', 'd');
    const other = run('quiet', 'other');
    await settle();
    expect(started).toEqual(['a', 'b', 'other']);

    (await first)();
    await settle();
    expect(started).toEqual(['a', 'b', 'other', 'c']);
    (await second)();
    await settle();
    expect(started).toEqual(['a', 'b', 'other', 'c', 'd']);
    for (const release of await Promise.all([third, fourth, other])) release();
  });

  it('refuse an operation past the key’s queue with RATE_LIMITED and a retry delay', async () => {
    const gate = new KeyConcurrency(1, 1);
    const running = await gate.acquire('key');
    const waiting = gate.acquire('key');
    const refused = await gate.acquire('key').catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
    running();
    (await waiting)();
  });

  it('free a place once however often it is released, so a key never gets more than its share', async () => {
    const gate = new KeyConcurrency(1, 10);
    const release = await gate.acquire('key');
    const next = gate.acquire('key');
    const afterNext = gate.acquire('key');
    let afterNextStarted = false;
    void afterNext.then(() => (afterNextStarted = true));

    release();
    release();
    await next;
    await settle();
    expect(afterNextStarted).toBe(false);
    (await next)();
    await settle();
    expect(afterNextStarted).toBe(true);
    (await afterNext)();
  });

  it('let a key of costly operations run one at a time while a key of cheap ones is busy, and all once it is idle', async () => {
    let clock = 0;
    const gate = new KeyConcurrency(3, 10, () => clock);
    // Each key's typical cost is learnt from the operations it ran; the light key was busy a moment ago.
    (await gate.acquire('heavy'))(300);
    (await gate.acquire('light'))(1);
    const started: string[] = [];
    const heavy = ['a', 'b', 'c'].map((name) =>
      gate.acquire('heavy').then((release) => {
        started.push(name);
        return release;
      }),
    );
    await settle();
    expect(started).toEqual(['a']);

    (await heavy[0])(300);
    await settle();
    expect(started).toEqual(['a', 'b']);
    clock += 1_500;
    (await heavy[1])(300);
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    const alone = await Promise.all([gate.acquire('heavy'), gate.acquire('heavy')]);
    for (const release of [...alone, await heavy[2]]) release(300);
  });

  it('pass a heavy key’s one place on only after a pause as long as its operation ran, while a light key is busy', async () => {
    let clock = 0;
    const gate = new KeyConcurrency(3, 10, () => clock);
    (await gate.acquire('light'))(1);
    (await gate.acquire('heavy'))(300);
    const running = await gate.acquire('heavy');
    let nextStarted = false;
    const next = gate.acquire('heavy').then((release) => {
      nextStarted = true;
      return release;
    });

    clock += 40; // the operation ran 40 ms
    running(300);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(nextStarted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(nextStarted).toBe(true);
    (await next)(300);
  });

  it('keep every place for keys whose operations cost about the same', async () => {
    const gate = new KeyConcurrency(2, 10, () => 0);
    (await gate.acquire('one'))(300);
    (await gate.acquire('other'))(120);
    const both = await Promise.all([gate.acquire('one'), gate.acquire('one')]);
    for (const release of both) release(300);
  });

  describe('held by an HTTP request', () => {
    const exchange = (socketDestroyed = false) => {
      const response = new EventEmitter() as ServerResponse;
      const request = { socket: { destroyed: socketDestroyed } } as IncomingMessage;
      return { request, response };
    };
    /** Whether the key has a free place now. */
    const hasRoom = async (gate: KeyConcurrency) => {
      let granted = false;
      const next = gate.acquire('key').then((release) => {
        granted = true;
        return release;
      });
      await settle();
      if (granted) (await next)();
      else void next.then((release) => release());
      return granted;
    };

    it('is kept until the response is done', async () => {
      const gate = new KeyConcurrency(1, 10);
      const { request, response } = exchange();
      await requestPlace(gate, request, response).take('key');
      expect(await hasRoom(gate)).toBe(false);
      response.emit('close');
      await settle();
      expect(await hasRoom(gate)).toBe(true);
    });

    it('is freed when the client hung up while the request was authenticated or waited its turn', async () => {
      const gate = new KeyConcurrency(1, 10);
      const { request, response } = exchange();
      const place = requestPlace(gate, request, response);
      response.emit('close');
      await place.take('key');
      expect(await hasRoom(gate)).toBe(true);
    });

    it('is freed when the client was gone before the request was even seen', async () => {
      const gate = new KeyConcurrency(1, 10);
      const { request, response } = exchange(true);
      await requestPlace(gate, request, response).take('key');
      expect(await hasRoom(gate)).toBe(true);
    });
  });
});
