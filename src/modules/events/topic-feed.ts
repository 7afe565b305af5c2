import type { DataSource, ObjectLiteral } from 'typeorm';
import type { Logger } from '../../logger';
import { readEventPage, type EventRows, type StoredEvent } from './event-page';

/** What a feed hands its live subscribers. */
export interface FeedSubscriber<T, R> {
  readonly ownerId: string;
  /** Called in cursor order with every event of the subscriber's owner read after the subscriber went live. */
  offer(event: StoredEvent<T, R>): void;
}

export const FEED_PAGE = 500;
const RETRY_MS = 1_000;

/**
 * One gateway's reader of one topic: on each wake-up it reads the new events of every owner once, a page at a time
 * with their rows, and hands each to the live subscribers of its owner in memory. Subscribers never query for live
 * events, so a new transaction costs one read per gateway however many clients listen.
 *
 * `highWater` is the last event handed out. The outbox numbers events in commit order (an advisory lock serialises
 * appends until commit), so no event at or below it can still commit: a subscriber whose replay reached it may go
 * live without a gap. A failed read leaves `highWater` where it was and is tried again: nothing is skipped.
 */
export class TopicFeed<T, R extends ObjectLiteral> {
  highWater = 0n;
  private readonly subscribers = new Map<string, Set<FeedSubscriber<T, R>>>();
  private reading: Promise<void> | null = null;
  private wokenWhileReading = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    readonly topic: string,
    private readonly rows: EventRows<R> | undefined,
  ) {}

  /** Call once the wake-up channel is subscribed, so no wake-up after this read can be missed. */
  async start(): Promise<void> {
    const [{ last }] = (await this.dataSource.query(
      `SELECT coalesce(max(last_sequence), 0)::text AS last FROM outbox_batch`,
    )) as Array<{ last: string }>;
    if (BigInt(last) > this.highWater) this.highWater = BigInt(last);
  }

  add(subscriber: FeedSubscriber<T, R>): void {
    const owned = this.subscribers.get(subscriber.ownerId) ?? new Set();
    owned.add(subscriber);
    this.subscribers.set(subscriber.ownerId, owned);
  }

  remove(subscriber: FeedSubscriber<T, R>): void {
    const owned = this.subscribers.get(subscriber.ownerId);
    owned?.delete(subscriber);
    if (owned?.size === 0) this.subscribers.delete(subscriber.ownerId);
  }

  get subscriberCount(): number {
    let count = 0;
    for (const owned of this.subscribers.values()) count += owned.size;
    return count;
  }

  wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.wokenWhileReading = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error: unknown) => {
        this.logger.error({ err: error, topic: this.topic }, 'event feed read failed; retrying');
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = null;
          this.wake();
        }, RETRY_MS);
      })
      .finally(() => {
        this.reading = null;
        // A wake-up that arrived mid-read may concern rows that read did not see.
        if (this.wokenWhileReading) {
          this.wokenWhileReading = false;
          this.wake();
        }
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.reading;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const page = await readEventPage<T, R>(this.dataSource, {
        topic: this.topic,
        after: this.highWater,
        limit: FEED_PAGE,
        rows: this.rows,
      });
      // Handed out and recorded in one synchronous step: a subscriber checking `highWater` sees both or neither.
      for (const event of page.events) {
        for (const subscriber of this.subscribers.get(event.ownerId) ?? []) subscriber.offer(event);
        this.highWater = event.sequence;
      }
      if (page.events.length < FEED_PAGE) return;
    }
  }
}
