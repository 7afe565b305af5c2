import { createHash } from 'node:crypto';
import { types, type CustomTypesConfig, type Pool } from 'pg';
import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { isEmbedded } from './data-source';

/**
 * An entity read by hand-written SQL, for the reads every request makes: TypeORM's query builder and result
 * transformer cost more than the query itself there. `select` lists the entity's columns under a table alias, each
 * named with a prefix (so several entities can share a row), and `hydrate` builds the entity from such a row,
 * converting each value as TypeORM would (dates, numerics...).
 */
export class EntityRows<E extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  private readonly primaryKey: string;
  /** The columns an entity is built from (a relation's own property is not one) and their keys in a raw row. */
  private readonly columns: Array<{ key: string; column: ColumnMetadata }>;

  private constructor(
    private readonly dataSource: DataSource,
    metadata: EntityMetadata,
    prefix: string,
  ) {
    this.metadata = metadata;
    this.primaryKey = `${prefix}${this.metadata.primaryColumns[0]!.databaseName}`;
    this.columns = this.metadata.columns
      .filter(
        (column) =>
          !(
            column.relationMetadata &&
            !column.isVirtual &&
            column.propertyName === column.relationMetadata.propertyName
          ),
      )
      .map((column) => ({ key: `${prefix}${column.databaseName}`, column }));
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

  /** `alias."column" AS "<prefix>column", ...` for every column. */
  select(alias: string): string {
    return this.columns.map(({ key, column }) => `${alias}."${column.databaseName}" AS "${key}"`).join(', ');
  }

  /** The entity in a raw row, or null when its primary key is null (an outer join that found nothing). */
  hydrate(raw: Record<string, unknown>): E | null {
    if (raw[this.primaryKey] === null || raw[this.primaryKey] === undefined) return null;
    const entity = this.metadata.create() as E;
    for (const { key, column } of this.columns) {
      entity[column.propertyName as keyof E] = this.dataSource.driver.prepareHydratedValue(raw[key], column);
    }
    return entity;
  }
}

const known = new WeakMap<EntityMetadata, Map<string, EntityRows<ObjectLiteral>>>();

/**
 * Runs a query as a prepared statement on PostgreSQL: each pooled connection parses and plans it once, not on every
 * request (for the joins of the hot reads, planning cost more than running). Named after a hash of its text, so
 * different texts never share a name. Not on the embedded server: its one session outlives the pool's connections,
 * so a statement prepared by a closed connection would clash with the next one's.
 */
export async function queryPrepared(
  dataSource: DataSource,
  text: string,
  values: unknown[],
): Promise<Array<Record<string, unknown>>> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const name = isEmbedded(dataSource) ? undefined : statementName(text);
  const result = await pool.query<Record<string, unknown>>({ name, text, values, types: rowTypes });
  return result.rows;
}

/** A `date` stays the text PostgreSQL sends: pg would make a Date of it that TypeORM turns back into that text. */
const rowTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.DATE
      ? (value: string) => value
      : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

function statementName(text: string): string {
  return `passerelle_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
}
