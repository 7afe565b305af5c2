import { Max, Min } from 'class-validator';
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { InvalidInputError } from './errors';
import { isUuid } from './ids';
import { isCalendarDate, isStorableText } from './text';

@ObjectType({ description: 'Relay pagination state.' })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds the `<Name>Connection` and `<Name>Edge` GraphQL types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType implements Edge<T> {
    @Field()
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} nodes.` })
  class ConnectionClass implements Connection<T> {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass;
}

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class ForwardPaginationArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many nodes to return, from 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number;

  @Field(() => String, { nullable: true, description: 'A cursor from an earlier page: return the nodes after it.' })
  after?: string | null;
}

/**
 * Cursors are opaque to clients: the keyset position (the ordering columns of the last node), base64url-encoded.
 * A cursor that does not decode to the expected shape is the caller's error, named after the `after` argument.
 */
export function encodeCursor(keyset: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keyset)).toString('base64url');
}

/** What each position of a keyset holds, checked on decode so nothing malformed reaches a SQL comparison. */
export type CursorPart = 'date' | 'timestamp' | 'uuid' | 'text';

export function decodeCursor(cursor: string, parts: readonly CursorPart[], field = 'after'): string[] {
  try {
    const keyset: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(keyset) &&
      keyset.length === parts.length &&
      keyset.every((value, index) => isPart(value, parts[index]))
    ) {
      return keyset as string[];
    }
  } catch {
    // Falls through to the error below: not base64url JSON.
  }
  throw new InvalidInputError(field, `${field} is not a cursor returned by this API`);
}

function isPart(value: unknown, part: CursorPart): boolean {
  if (typeof value !== 'string') return false;
  switch (part) {
    case 'date':
      return isCalendarDate(value);
    case 'timestamp':
      return (
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(value) &&
        isCalendarDate(value.slice(0, 10)) &&
        !Number.isNaN(Date.parse(value))
      );
    case 'uuid':
      return isUuid(value);
    case 'text':
      return isStorableText(value);
    default: {
      const never: never = part;
      return never;
    }
  }
}

/** Turns `limit + 1` fetched rows into a forward page: the extra row only says whether there is a next page. */
export function toForwardConnection<T>(
  rows: T[],
  first: number,
  hasPrevious: boolean,
  keysetOf: (row: T) => (string | number)[],
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keysetOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
