import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { EntityRows, rawRows } from '../../db/entity-rows';

/**
 * The row an event names, read with the event in the same query: a `transaction` event carries the id of its line,
 * and a subscriber wants the line. The table must have a uuid `id` and an `owner_id`; the row is joined only when its
 * owner is the event's, so a row can never reach another owner's stream.
 */
export interface EventRows<R extends ObjectLiteral> {
  entity: EntityTarget<R>;
  /** The payload field holding the row's id. */
  key: string;
}

/** One stored event as a page read returns it. `row` is null when the event names no row or the row is gone. */
export interface StoredEvent<T, R> {
  sequence: bigint;
  ownerId: string;
  payload: T;
  row: R | null;
}

export interface EventPage<T, R> {
  /** In cursor order. */
  events: StoredEvent<T, R>[];
  /** Events up to this number may have been swept by the retention sweep (0 when none were). */
  expiredThrough: bigint;
}

export interface PageQuery<R extends ObjectLiteral> {
  topic: string;
  /** One owner's events (a replay), or every owner's (a gateway's live feed). */
  ownerId?: string;
  after: bigint;
  limit: number;
  rows?: EventRows<R>;
}

const ROW_PREFIX = 'row_';

/**
 * Reads the next `limit` events after a cursor, with their rows, in one query. The horizon row is the query's spine,
 * so even an empty page says how far the retention sweep has gone: a reader can never step over swept events unseen.
 */
export async function readEventPage<T, R extends ObjectLiteral>(
  dataSource: DataSource,
  query: PageQuery<R>,
): Promise<EventPage<T, R>> {
  const rows = query.rows ? EntityRows.of(dataSource, query.rows.entity, ROW_PREFIX) : null;
  const parameters: unknown[] = [query.topic, String(query.after), query.limit];
  if (query.ownerId) parameters.push(query.ownerId);
  const rowColumns = rows ? `, ${rows.select('r')}` : '';
  const rowJoin =
    rows && query.rows
      ? `LEFT JOIN "${rows.tableName}" r ON r.id = (e.payload->>'${query.rows.key}')::uuid AND r.owner_id = e.owner_id`
      : '';
  // A batch holds up to EVENTS_PER_ROW events. Only the batches the page needs are expanded: the first `limit`
  // batches after the cursor (each holds at least one event after it), cut where the events before them fill the page.
  const owner = query.ownerId ? 'AND owner_id = $4' : '';
  // Through `DataSource.query`, which the event-stream tests instrument to count and fail page reads.
  const result = rawRows(
    await dataSource.query(
      `WITH batches AS (
       SELECT owner_id, first_sequence, last_sequence, payloads,
              last_sequence - greatest(first_sequence, $2 + 1) + 1 AS wanted
         FROM outbox_batch
        WHERE topic = $1 AND last_sequence > $2 ${owner}
        ORDER BY last_sequence
        LIMIT $3
     ), needed AS (
       SELECT * FROM (
         SELECT batches.*, sum(wanted) OVER (ORDER BY last_sequence) - wanted AS before FROM batches
       ) counted
        WHERE before < $3
     )
     SELECT h.expired_through::text AS expired_through, e.sequence::text AS sequence, e.owner_id, e.payload${rowColumns}
       FROM outbox_horizon h
       LEFT JOIN LATERAL (
         SELECT b.owner_id, b.first_sequence + p.n - 1 AS sequence, p.payload
           FROM needed b
           CROSS JOIN LATERAL json_array_elements(b.payloads) WITH ORDINALITY AS p(payload, n)
          WHERE b.first_sequence + p.n - 1 > $2
          ORDER BY b.last_sequence, p.n
          LIMIT $3
       ) e ON true
       ${rowJoin}
      ORDER BY e.sequence`,
      parameters,
    ),
  );
  const at = (name: string) => result.positions.get(name)!;
  const [sequence, ownerId, payload] = [at('sequence'), at('owner_id'), at('payload')];
  const readRow = rows?.reader(result);
  const events = result.rows
    .filter((row) => row[sequence] !== null)
    .map((row) => ({
      sequence: BigInt(row[sequence] as string),
      ownerId: row[ownerId] as string,
      payload: row[payload] as T,
      row: readRow ? readRow(row) : null,
    }));
  const expiredThrough = result.rows[0]?.[at('expired_through')] as string | undefined;
  return { events, expiredThrough: BigInt(expiredThrough ?? '0') };
}
