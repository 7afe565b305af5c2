import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { isEmbedded } from './data-source';

export type CopyValue = string | number | null | undefined;

/**
 * Bulk-writes rows inside the caller's transaction, so they commit or roll back with the rest of it. A first sync
 * writes a year of lines and their outbox events at once: on PostgreSQL this uses `COPY ... FROM STDIN`, which
 * keeps that near the database's raw ingest speed (bench:unified), where parameterised INSERTs spend most of their
 * time encoding; the embedded PGlite server has no COPY, so there it falls back to multi-row INSERTs.
 */
export async function bulkInsert(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: CopyValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  if (!manager.queryRunner) throw new Error('bulkInsert runs inside a transaction');
  if (isEmbedded(manager.connection)) {
    await insertValues(manager, table, columns, rows);
    return;
  }
  // A first sync's COPY may rightly outlast the statement timeout that protects requests; this transaction only.
  await manager.query('SET LOCAL statement_timeout = 0');
  const client = (await manager.queryRunner.connect()) as PoolClient;
  const columnList = columns.map((column) => `"${column}"`).join(', ');
  await pipeline(Readable.from(encodeRows(rows)), client.query(copyFrom(`COPY "${table}" (${columnList}) FROM STDIN`)));
}

/** Postgres takes at most 65,535 parameters a statement. */
const MAX_PARAMETERS = 65_535;

async function insertValues(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: CopyValue[][],
): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  const columnList = columns.map((column) => `"${column}"`).join(', ');
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const tuples = batch.map(
      (_, row) => `(${columns.map((__, column) => `$${row * columns.length + column + 1}`).join(', ')})`,
    );
    await manager.query(
      `INSERT INTO "${table}" (${columnList}) VALUES ${tuples.join(', ')}`,
      batch.flat().map((value) => value ?? null),
    );
  }
}

/** COPY's text format: tab-separated, `\N` for null, backslash escapes for the characters that would break a row. */
export function* encodeRows(rows: CopyValue[][]): Generator<string> {
  // Built by concatenation, not map/join: a first sync encodes a million values, and the arrays were most of its time.
  let chunk = '';
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index];
    for (let column = 0; column < row.length; column += 1) {
      if (column > 0) chunk += '\t';
      chunk += encodeValue(row[column]);
    }
    chunk += '\n';
    if (index % 1000 === 999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;

function encodeValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  // Most values (ids, amounts, dates) need no escape: test first, so the common case allocates nothing.
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\t\n\r]/g, (character) => ESCAPES[character]) : text;
}
