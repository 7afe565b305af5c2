import { Repeater } from '@repeaterjs/repeater';
import type { DataSource, EntityManager } from 'typeorm';
import { bulkInsert } from '../../db/copy';
import type { Logger } from '../../logger';
import type { Messaging } from '../../pubsub/messaging';
import { OutboxEvent } from './outbox-event.entity';

/** Serializes outbox appends so sequence order is commit order: a reader never sees 12 before 11 commits. */
const OUTBOX_LOCK = 0x6f757462;
const PAGE = 500;

export interface DeliveredEvent<T> {
  /** The outbox sequence, as an opaque string: the subscription cursor. */
  cursor: string;
  payload: T;
}

/**
 * The ordered outbox and the subscriptions that read it. Writers append inside their own transaction and publish a
 * wake-up after commit; subscribers treat a wake-up only as a hint and read what is new from the store, so an event
 * published by another gateway instance, or missed while reconnecting, is still delivered once and in order.
 */
export class EventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: Messaging,
    private readonly logger: Logger,
  ) {}

  async append(manager: EntityManager, topic: string, ownerId: string, payload: Record<string, unknown>): Promise<OutboxEvent> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
    // TypeORM types jsonb columns as deep partials of the declared type; any JSON object is a valid payload.
    const inserted = await manager.insert(OutboxEvent, { topic, ownerId, payload: payload as never });
    return { ...(inserted.generatedMaps[0] as OutboxEvent), topic, ownerId, payload };
  }

  /**
   * Many events of one topic and owner at once (a first sync writes a year of lines), by COPY, in the given order.
   * Returns what `publish` needs to wake the subscribers.
   */
  async appendMany(manager: EntityManager, topic: string, ownerId: string, payloads: Record<string, unknown>[]): Promise<Pick<OutboxEvent, 'topic' | 'ownerId'>[]> {
    if (payloads.length === 0) return [];
    await manager.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
    await bulkInsert(manager, 'outbox_event', ['topic', 'owner_id', 'payload'], payloads.map((payload) => [topic, ownerId, JSON.stringify(payload)]));
    return [{ topic, ownerId }];
  }

  /** Call after the appending transaction committed. */
  async publish(events: Pick<OutboxEvent, 'topic' | 'ownerId'>[]): Promise<void> {
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
    return new Repeater<DeliveredEvent<T>>(async (push, stop) => {
      let last = after ?? (await this.latestSequence(topic, ownerId));
      let reading: Promise<void> | null = null;
      let wokenWhileReading = false;
      const drain = async (): Promise<void> => {
        for (;;) {
          const events = await this.dataSource
            .getRepository(OutboxEvent)
            .createQueryBuilder('event')
            .where('event.topic = :topic AND event.owner_id = :ownerId AND event.sequence > :last', { topic, ownerId, last })
            .orderBy('event.sequence', 'ASC')
            .limit(PAGE)
            .getMany();
          for (const event of events) {
            last = event.sequence;
            if (await accept(event.payload as T)) await push({ cursor: event.sequence, payload: event.payload as T });
          }
          if (events.length < PAGE) return;
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

  private async latestSequence(topic: string, ownerId: string): Promise<string> {
    const [row] = (await this.dataSource.query(
      'SELECT coalesce(max(sequence), 0)::text AS sequence FROM outbox_event WHERE topic = $1 AND owner_id = $2',
      [topic, ownerId],
    )) as Array<{ sequence: string }>;
    return row.sequence;
  }
}

function channelOf(topic: string, ownerId: string): string {
  return `events:${topic}:${ownerId}`;
}
