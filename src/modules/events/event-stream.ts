import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import type { DataSource, ObjectLiteral } from 'typeorm';
import { CursorExpiredError, StreamInterruptedError } from './events.errors';
import { readEventPage, type EventPage, type EventRows, type StoredEvent } from './event-page';
import type { FeedSubscriber, TopicFeed } from './topic-feed';

export interface DeliveredEvent<T, R = never> {
  /** The event's outbox sequence number, as an opaque string: the subscription cursor. */
  cursor: string;
  payload: T;
  /** The row the event names, read with it (see `EventRows`); null when it names none or the row is gone. */
  row: R | null;
}

/** Decides in memory whether a subscriber sees an event; an event refused is skipped, not held back. */
export type EventFilter<T, R> = (payload: T, row: R | null) => boolean;

const REPLAY_PAGE = 500;
/** A live subscriber that falls this far behind reads on from the store instead of holding more in memory. */
const MAX_QUEUED = 2_000;
/** A failed page read is tried again this often before the stream ends with an error to resume from. */
const READ_ATTEMPTS = 4;

export interface EventStreamOptions<T, R extends ObjectLiteral> {
  dataSource: DataSource;
  /** The gateway's feed of the topic, once it listens for wake-ups. */
  feed: Promise<TopicFeed<T, R>>;
  ownerId: string;
  /** The last event the client has; `null` for live events only. */
  after: bigint | null;
  accept: EventFilter<T, R>;
  rows?: EventRows<R>;
}

interface PageRead<T, R extends ObjectLiteral> {
  after: bigint;
  /** The feed's high water when the read started. */
  handedOut: bigint;
  page: Promise<EventPage<T, R>>;
}

/**
 * One subscriber's stream. It replays from the store a page at a time, only as fast as the client takes events, and
 * goes live (fed by the gateway's `TopicFeed`) once its replay has reached what the feed has handed out. `last` is
 * the last event this stream has queued or passed over as not for it: it moves only past events it has read, so the
 * stream never steps over an event it did not deliver. A page that cannot be read ends the stream with an error
 * naming the cursor to resume from.
 */
export class EventStream<T, R extends ObjectLiteral>
  implements AsyncIterableIterator<DeliveredEvent<T, R>>, FeedSubscriber<T, R>
{
  readonly ownerId: string;
  private feed: TopicFeed<T, R> | null = null;
  private last = 0n;
  private live = false;
  private done = false;
  /** Only the first page of a replay from "0" may start past the retention horizon. */
  private fromStart: boolean;
  private readonly queue: DeliveredEvent<T, R>[] = [];
  private notify: (() => void) | null = null;
  /** The last cursor handed to the client: where it resumes after an error. */
  private delivered: string | null;
  /** The next replay page, read ahead while the client takes the current one. */
  private prefetched: PageRead<T, R> | null = null;
  private readonly readPolicy = retry(handleAll, {
    maxAttempts: READ_ATTEMPTS - 1,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
  });

  constructor(private readonly options: EventStreamOptions<T, R>) {
    this.ownerId = options.ownerId;
    this.delivered = options.after === null ? null : String(options.after);
    this.fromStart = options.after === 0n;
  }

  offer(event: StoredEvent<T, R>): void {
    if (!this.live || event.sequence <= this.last) return;
    this.take(event);
    if (this.queue.length >= MAX_QUEUED) this.live = false;
    this.notify?.();
  }

  async next(): Promise<IteratorResult<DeliveredEvent<T, R>>> {
    if (!this.feed) await this.start();
    while (!this.done) {
      const event = this.queue.shift();
      if (event) {
        this.delivered = event.cursor;
        return { value: event, done: false };
      }
      if (this.live) await new Promise<void>((resolve) => (this.notify = resolve));
      else await this.replayPage();
      this.notify = null;
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<DeliveredEvent<T, R>>> {
    this.done = true;
    this.prefetched = null;
    this.feed?.remove(this);
    this.notify?.();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<DeliveredEvent<T, R>>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async start(): Promise<void> {
    const feed = await this.options.feed;
    this.feed = feed;
    if (this.options.after === null) {
      // Live events only: everything after what the feed has handed out so far.
      this.last = feed.highWater;
      this.live = true;
    } else {
      this.last = this.options.after;
    }
    if (!this.done) feed.add(this);
  }

  private async replayPage(): Promise<void> {
    const read = this.prefetched?.after === this.last ? this.prefetched : this.readPage();
    this.prefetched = null;
    const page = await read.page.catch(async (error: unknown) => {
      await this.return();
      throw new StreamInterruptedError(this.delivered, error);
    });
    const fromStart = this.fromStart;
    this.fromStart = false;
    if (page.expiredThrough > this.last) {
      // "0" means the oldest event kept; any other cursor below the horizon may have lost events to the sweep.
      if (!fromStart) {
        await this.return();
        throw new CursorExpiredError();
      }
      if (page.events.length === 0) this.last = page.expiredThrough;
    }
    for (const event of page.events) this.take(event);
    if (page.events.length === REPLAY_PAGE) {
      // More may follow: the next page is read while the client takes this one. Handing out this page runs as one
      // chain of promise callbacks; the turn yielded here lets the read reach the database before that chain starts.
      if (!this.done) {
        this.prefetched = this.readPage();
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      // The page held every event of this owner up to the query's snapshot, which includes all the feed had handed out.
      if (read.handedOut > this.last) this.last = read.handedOut;
      if (this.last >= this.feed!.highWater && !this.done) this.live = true;
    }
  }

  /** Starts reading the page after `last`, noting first how far the feed had got: the read sees at least that far. */
  private readPage(): PageRead<T, R> {
    const { dataSource, ownerId, rows } = this.options;
    const feed = this.feed as TopicFeed<T, R>;
    const after = this.last;
    const page = this.readPolicy.execute(() =>
      readEventPage<T, R>(dataSource, { topic: feed.topic, ownerId, after, limit: REPLAY_PAGE, rows }),
    );
    // A prefetched page may never be awaited (the client left); its failure is reported only if it is.
    page.catch(() => undefined);
    return { after, handedOut: feed.highWater, page };
  }

  private take(event: StoredEvent<T, R>): void {
    this.last = event.sequence;
    if (this.options.accept(event.payload, event.row)) {
      this.queue.push({ cursor: String(event.sequence), payload: event.payload, row: event.row });
    }
  }
}
