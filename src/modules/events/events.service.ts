import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { InvalidInputError } from '../../common/errors';
import { bulkInsert } from '../../db/copy';
import type { Logger } from '../../logger';
import type { PubSub } from '../../pubsub/pubsub';
import type { EventRows } from './event-page';
import { EventStream, type DeliveredEvent, type EventFilter } from './event-stream';
import { TopicFeed } from './topic-feed';

export type { DeliveredEvent, EventFilter } from './event-stream';
export type { EventRows } from './event-page';

/** Serializes outbox appends so sequence order is commit order: a reader never sees 12 before 11 commits. */
const OUTBOX_LOCK = 0x6f757462;
/** At most this many events share one outbox row, so one replay page (PAGE rows) holds a bounded number of them. */
const EVENTS_PER_ROW = 500;
const CURSOR = /^(0|[1-9][0-9]{0,18})$/;

/** What `publish` needs to wake the subscribers of appended events. */
export interface AppendedEvents {
  topic: string;
  ownerId: string;
}

/**
 * The ordered outbox and the subscriptions that read it. Writers append inside their own transaction and publish a
 * wake-up after commit; each gateway's feed of a topic treats a wake-up only as a hint and reads what is new from the
 * store once for all its subscribers, so an event published by another gateway instance, or missed while
 * reconnecting, is still delivered once and in order. The rules are in src/modules/sync/engine/README.md ("The event stream").
 */
export class EventsService {
  private readonly feeds = new Map<string, Promise<TopicFeed<unknown, ObjectLiteral>>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: PubSub,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(manager: EntityManager, topic: string, ownerId: string, payload: object): Promise<AppendedEvents> {
    const [appended] = await this.appendMany(manager, topic, ownerId, [payload]);
    return appended;
  }

  /**
   * Events of one topic and owner, numbered in the given order. A first sync appends a year of lines at once: they
   * take one range of the sequence and are written a few hundred to a row, by COPY.
   */
  async appendMany(
    manager: EntityManager,
    topic: string,
    ownerId: string,
    payloads: readonly object[],
  ): Promise<AppendedEvents[]> {
    if (payloads.length === 0) return [];
    await manager.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
    // Under the lock no other append draws from the sequence, so nextval..setval is one unbroken range.
    const [{ last }] = (await manager.query(
      `SELECT setval('outbox_sequence', nextval('outbox_sequence') + $1 - 1)::text AS last`,
      [payloads.length],
    )) as Array<{ last: string }>;
    const first = BigInt(last) - BigInt(payloads.length) + 1n;
    const rows: string[][] = [];
    for (let offset = 0; offset < payloads.length; offset += EVENTS_PER_ROW) {
      const chunk = payloads.slice(offset, offset + EVENTS_PER_ROW);
      const chunkFirst = first + BigInt(offset);
      rows.push([
        String(chunkFirst),
        String(chunkFirst + BigInt(chunk.length) - 1n),
        topic,
        ownerId,
        JSON.stringify(chunk),
      ]);
    }
    await bulkInsert(
      manager,
      'outbox_batch',
      ['first_sequence', 'last_sequence', 'topic', 'owner_id', 'payloads'],
      rows,
    );
    return [{ topic, ownerId }];
  }

  /** Call after the appending transaction committed: wakes every gateway's feed of these topics. */
  async publish(events: AppendedEvents[]): Promise<void> {
    const channels = new Set(events.map((event) => channelOf(event.topic)));
    await Promise.all([...channels].map((channel) => this.messaging.publish(channel, 'new')));
  }

  /**
   * Events of one topic for one owner. With `after` (a cursor, or "0" for the oldest event kept), every stored event
   * after it comes first, then live ones; without it, only events appended from now on. With `rows`, each event
   * comes with the row it names, read in the same query as the event. `accept` decides in memory, per event, whether
   * this subscriber sees it.
   */
  subscribe<T, R extends ObjectLiteral = never>(
    topic: string,
    ownerId: string,
    after: string | null | undefined,
    accept: EventFilter<T, R> = () => true,
    rows?: EventRows<R>,
  ): AsyncIterableIterator<DeliveredEvent<T, R>> {
    // Checked before the stream starts, so a bad cursor is the caller's error, not a broken stream.
    const from = after === null || after === undefined ? null : parseCursor(after);
    return new EventStream<T, R>({
      dataSource: this.dataSource,
      feed: this.feedOf<T, R>(topic, rows),
      ownerId,
      after: from,
      accept,
      rows,
    });
  }

  /**
   * Deletes the events older than the retention period and moves the horizon past them, in one transaction: a
   * reader sees both or neither. Deletes by sequence, so every kept event is newer than every deleted one.
   */
  async sweep(retentionDays: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - retentionDays * 24 * 60 * 60 * 1000);
    return this.dataSource.transaction(async (manager) => {
      const [{ through }] = (await manager.query(
        `SELECT max(last_sequence)::text AS through FROM outbox_batch WHERE created_at < $1`,
        [cutoff],
      )) as Array<{ through: string | null }>;
      if (through === null) return 0;
      await manager.query(`UPDATE outbox_horizon SET expired_through = greatest(expired_through, $1)`, [through]);
      const [, deleted] = (await manager.query(`DELETE FROM outbox_batch WHERE last_sequence <= $1`, [through])) as [
        unknown,
        number,
      ];
      return deleted;
    });
  }

  /** Stops every feed's reads; the messaging is closed by its owner. */
  async close(): Promise<void> {
    const feeds = await Promise.all(this.feeds.values());
    await Promise.all(feeds.map((feed) => feed.close()));
    this.feeds.clear();
  }

  /** One feed per topic (and row table) per gateway, listening before it reads where the outbox stands. */
  private feedOf<T, R extends ObjectLiteral>(topic: string, rows: EventRows<R> | undefined): Promise<TopicFeed<T, R>> {
    const key = rows ? `${topic}:${this.dataSource.getMetadata(rows.entity).tableName}` : topic;
    let feed = this.feeds.get(key) as Promise<TopicFeed<T, R>> | undefined;
    if (!feed) {
      feed = (async () => {
        const created = new TopicFeed<T, R>(this.dataSource, this.logger, topic, rows);
        await this.messaging.subscribe(channelOf(topic), () => created.wake());
        await created.start();
        return created;
      })();
      // A feed that failed to start is forgotten, so the next subscriber tries again.
      feed.catch(() => this.feeds.delete(key));
      this.feeds.set(key, feed as Promise<TopicFeed<unknown, ObjectLiteral>>);
    }
    return feed;
  }
}

/** A cursor is an event's sequence number, or "0" for the beginning. */
function parseCursor(after: string): bigint {
  if (!CURSOR.test(after)) throw new InvalidInputError('after', 'after is not a cursor returned by this API');
  return BigInt(after);
}

/** One channel per topic: each gateway's feed reads every owner's new events in one go. */
function channelOf(topic: string): string {
  return `events:${topic}`;
}
