import { Repeater } from '@repeaterjs/repeater';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidInputError } from '../../common/errors';
import { bulkInsert } from '../../db/copy';
import type { Logger } from '../../logger';
import type { PubSub } from '../../pubsub/pubsub';
import { OutboxBatch } from './outbox-batch.entity';

/** Serializes outbox appends so sequence order is commit order: a reader never sees 12 before 11 commits. */
const OUTBOX_LOCK = 0x6f757462;
/** At most this many events share one outbox row, so one replay page (PAGE rows) holds a bounded number of them. */
const EVENTS_PER_ROW = 500;
const PAGE = 50;
const CURSOR = /^(0|[1-9][0-9]{0,18})$/;

export interface DeliveredEvent<T> {
  /** The event's outbox sequence number, as an opaque string: the subscription cursor. */
  cursor: string;
  payload: T;
}

/** What `publish` needs to wake the subscribers of appended events. */
export interface AppendedEvents {
  topic: string;
  ownerId: string;
}

/**
 * The ordered outbox and the subscriptions that read it. Writers append inside their own transaction and publish a
 * wake-up after commit; subscribers treat a wake-up only as a hint and read what is new from the store, so an event
 * published by another gateway instance, or missed while reconnecting, is still delivered once and in order.
 */
export class EventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: PubSub,
    private readonly logger: Logger,
  ) {}

  async append(manager: EntityManager, topic: string, ownerId: string, payload: object): Promise<AppendedEvents> {
    const [appended] = await this.appendMany(manager, topic, ownerId, [payload]);
    return appended;
  }

  /**
   * Events of one topic and owner, numbered in the given order. A first sync appends a year of lines at once: they
   * take one range of the sequence and are written a few hundred to a row, by COPY.
   */
  async appendMany(manager: EntityManager, topic: string, ownerId: string, payloads: readonly object[]): Promise<AppendedEvents[]> {
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
      rows.push([String(chunkFirst), String(chunkFirst + BigInt(chunk.length) - 1n), topic, ownerId, JSON.stringify(chunk)]);
    }
    await bulkInsert(manager, 'outbox_batch', ['first_sequence', 'last_sequence', 'topic', 'owner_id', 'payloads'], rows);
    return [{ topic, ownerId }];
  }

  /** Call after the appending transaction committed. */
  async publish(events: AppendedEvents[]): Promise<void> {
    const channels = new Set(events.map((event) => channelOf(event.topic, event.ownerId)));
    await Promise.all([...channels].map((channel) => this.messaging.publish(channel, 'new')));
  }

  /**
   * Events of one topic for one owner. With `after` (a cursor, or "0" for the beginning), every stored event after it
   * comes first, then live ones; without it, only events appended from now on. `accept` is checked for every event
   * before delivery (authorization per event).
   */
  subscribe<T>(
    topic: string,
    ownerId: string,
    after: string | null | undefined,
    accept: (payload: T) => Promise<boolean> | boolean = () => true,
  ): AsyncIterableIterator<DeliveredEvent<T>> {
    // Checked before the stream starts, so a bad cursor is the caller's error, not a broken stream.
    const from = after === null || after === undefined ? null : parseCursor(after);
    return new Repeater<DeliveredEvent<T>>(async (push, stop) => {
      let last = from ?? (await this.latestSequence(topic, ownerId));
      let reading: Promise<void> | null = null;
      let wokenWhileReading = false;
      const drain = async (): Promise<void> => {
        for (;;) {
          const batches = await this.dataSource
            .getRepository(OutboxBatch)
            .createQueryBuilder('batch')
            .where('batch.topic = :topic AND batch.owner_id = :ownerId AND batch.last_sequence > :last', { topic, ownerId, last: String(last) })
            .orderBy('batch.last_sequence', 'ASC')
            .limit(PAGE)
            .getMany();
          for (const batch of batches) {
            let sequence = BigInt(batch.firstSequence);
            for (const payload of batch.payloads) {
              // A cursor can point inside a row: the events up to it were delivered before the reconnect.
              if (sequence > last) {
                last = sequence;
                if (await accept(payload as T)) await push({ cursor: String(sequence), payload: payload as T });
              }
              sequence += 1n;
            }
          }
          if (batches.length < PAGE) return;
        }
      };
      const wake = (): void => {
        if (reading) {
          wokenWhileReading = true;
          return;
        }
        reading = drain()
          .catch((error: unknown) => {
            this.logger.error({ err: error, topic }, 'subscription read failed');
            stop(error);
          })
          .finally(() => {
            reading = null;
            // A wake-up that arrived mid-read may concern rows that read did not see.
            if (wokenWhileReading) {
              wokenWhileReading = false;
              wake();
            }
          });
      };
      const unsubscribe = await this.messaging.subscribe(channelOf(topic, ownerId), wake);
      wake();
      await stop;
      await unsubscribe();
    });
  }

  private async latestSequence(topic: string, ownerId: string): Promise<bigint> {
    const [row] = (await this.dataSource.query(
      'SELECT coalesce(max(last_sequence), 0)::text AS sequence FROM outbox_batch WHERE topic = $1 AND owner_id = $2',
      [topic, ownerId],
    )) as Array<{ sequence: string }>;
    return BigInt(row.sequence);
  }
}

/** A cursor is an event's sequence number, or "0" for the beginning. */
function parseCursor(after: string): bigint {
  if (!CURSOR.test(after)) throw new InvalidInputError('after', 'after is not a cursor returned by this API');
  return BigInt(after);
}

function channelOf(topic: string, ownerId: string): string {
  return `events:${topic}:${ownerId}`;
}
