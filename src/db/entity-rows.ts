import { createHash } from 'node:crypto';
import { types, type CustomTypesConfig, type Pool, type PoolClient } from 'pg';
import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { isEmbedded } from './data-source';

/** A query's rows as arrays, and where each named column is in them. */
export interface RawRows {
  rows: unknown[][];
  positions: ReadonlyMap<string, number>;
}

/** Rows read as objects (`DataSource.query`) as RawRows. */
export function rawRows(objects: Array<Record<string, unknown>>): RawRows {
  const names = objects[0] ? Object.keys(objects[0]) : [];
  return {
    rows: objects.map((object) => names.map((name) => object[name])),
    positions: new Map(names.map((name, index) => [name, index])),
  };
}

/**
 * Types whose value pg hands over exactly as TypeORM would store it on the entity; any other column (a `date` is
 * text from `queryPrepared` but a Date from `DataSource.query`), or one with a transformer, goes through TypeORM's
 * own conversion.
 */
const AS_READ = new Set([
  'uuid',
  'text',
  'varchar',
  'character varying',
  'char',
  'character',
  'int',
  'integer',
  'numeric',
  'timestamptz',
  'timestamp with time zone',
]);

interface EntityColumn {
  name: string;
  /** The column's name in a row: the prefix, then its name in the table. */
  key: string;
  property: string;
  convert: ((value: unknown) => unknown) | null;
}

/**
 * An entity read by hand-written SQL, for the reads every request makes: TypeORM's query builder and result
 * transformer cost more than the query itself there. `select` lists the entity's columns under a table alias, each
 * named with a prefix (so several entities can share a row), and `reader` builds the entity from such rows,
 * converting each value as TypeORM would (dates, numerics...).
 */
export class EntityRows<E extends ObjectLiteral> {
  private readonly primaryKey: string;
  /** The columns an entity is built from (a relation's own property is not one). */
  private readonly columns: EntityColumn[];
  private readonly selects = new Map<string, string>();

  private constructor(
    dataSource: DataSource,
    private readonly metadata: EntityMetadata,
    prefix: string,
  ) {
    this.primaryKey = `${prefix}${metadata.primaryColumns[0]!.databaseName}`;
    this.columns = metadata.columns
      .filter(
        (column) =>
          !(
            column.relationMetadata &&
            !column.isVirtual &&
            column.propertyName === column.relationMetadata.propertyName
          ),
      )
      .map((column) => ({
        name: column.databaseName,
        key: `${prefix}${column.databaseName}`,
        property: column.propertyName,
        convert:
          typeof column.type === 'string' && AS_READ.has(column.type) && !column.isArray && !column.transformer
            ? null
            : (value: unknown) => dataSource.driver.prepareHydratedValue(value, column),
      }));
  }

  /** Worked out once per entity and prefix: the hot reads hydrate many rows of the same tables. */
  static of<E extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<E>, prefix = ''): EntityRows<E> {
    const metadata = dataSource.getMetadata(entity);
    let byPrefix = known.get(metadata);
    if (!byPrefix) known.set(metadata, (byPrefix = new Map()));
    let rows = byPrefix.get(prefix);
    if (!rows) byPrefix.set(prefix, (rows = new EntityRows<ObjectLiteral>(dataSource, metadata, prefix)));
    return rows as EntityRows<E>;
  }

  get tableName(): string {
    return this.metadata.tableName;
  }

  /** `alias."column" AS "<prefix>column", ...` for every column; built once per alias. */
  select(alias: string): string {
    let list = this.selects.get(alias);
    if (list === undefined) {
      list = this.columns.map(({ name, key }) => `${alias}."${name}" AS "${key}"`).join(', ');
      this.selects.set(alias, list);
    }
    return list;
  }

  /**
   * Builds the entity from a row of `result`, or null where its primary key is null (an outer join that found
   * nothing). The columns' positions are looked up once per result.
   */
  reader(result: RawRows): (row: unknown[]) => E | null {
    if (result.rows.length === 0) return () => null;
    const at = (key: string) => {
      const position = result.positions.get(key);
      if (position === undefined) throw new Error(`the query did not select ${key}`);
      return position;
    };
    const primaryKey = at(this.primaryKey);
    const positions = this.columns.map(({ key }) => at(key));
    return (row) => {
      if (row[primaryKey] === null) return null;
      const entity = this.metadata.create() as Record<string, unknown>;
      for (let index = 0; index < positions.length; index += 1) {
        const { property, convert } = this.columns[index]!;
        const value = row[positions[index]!];
        entity[property] = convert ? convert(value) : value;
      }
      return entity as E;
    };
  }

  /** The entity of every row of `result`. */
  all(result: RawRows): E[] {
    const read = this.reader(result);
    return result.rows.map((row) => read(row)!);
  }
}

const known = new WeakMap<EntityMetadata, Map<string, EntityRows<ObjectLiteral>>>();

/**
 * Runs a query as a prepared statement: each pooled connection parses and plans it once, not on every request (for
 * the joins of the hot reads, planning cost more than running). Named after a hash of its text, so different texts
 * never share a name. The embedded server's one session outlives the pool's connections: a new connection first
 * drops the statements an earlier one prepared, which its own would clash with.
 */
export async function queryPrepared(dataSource: DataSource, text: string, values: unknown[]): Promise<RawRows> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const client = await pool.connect();
  try {
    if (isEmbedded(dataSource) && !cleared.has(client)) {
      await client.query('DEALLOCATE ALL');
      cleared.add(client);
    }
    // Rows as arrays: pg builds an object per row otherwise, with every column as a key, only for it to be copied.
    const query = { name: statementName(text), text, values, types: rowTypes, rowMode: 'array' as const };
    const result = await client.query<unknown[]>(query);
    return { rows: result.rows, positions: new Map(result.fields.map((field, index) => [field.name, index])) };
  } finally {
    client.release();
  }
}

/** The embedded server's connections whose session was cleared of an earlier connection's prepared statements. */
const cleared = new WeakSet<PoolClient>();

/** A `date` stays the text PostgreSQL sends: pg would make a Date of it that TypeORM turns back into that text. */
const rowTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.DATE
      ? (value: string) => value
      : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/** Names by text, so a request does not hash its query again: the texts are the few shapes the code builds. */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `passerelle_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}
