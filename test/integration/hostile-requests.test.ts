import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * Hostile requests generated from the published schema: every root field, with every argument drawn from values
 * an attacker would try for its type (NUL bytes, lone surrogates, impossible dates, forged cursors, huge and
 * negative numbers, long lists). Whatever the input, the gateway answers with a client error, never a 5xx, an
 * INTERNAL_SERVER_ERROR, a stack trace or the text of a SQL statement or database error.
 */
const schema = buildSchema(fs.readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
const ROOT_FIELDS = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
  Object.keys(root.getFields()),
).length;
const VARIANTS_PER_FIELD = Math.ceil(2_000 / ROOT_FIELDS);

const cursor = (keyset: unknown) => Buffer.from(JSON.stringify(keyset)).toString('base64url');
const UUID = '3f1c6a52-9f0e-4f6b-8f43-2f5d6c1e7a90';
const HOSTILE_STRINGS = [
  'nul \u0000 byte',
  'lone \uD800 surrogate',
  '\uDFFF',
  '',
  ' ',
  "' OR 1=1 --",
  '%_\\',
  'x'.repeat(10_000),
  'not-a-uuid',
  UUID,
  '2026-13-45',
  '2026-02-30',
  '0',
  '-1',
  '99999999999999999999999',
  '1e309',
  'NaN',
  'javascript:alert(1)',
  'http://127.0.0.1:1/callback',
  'FR7630006000011234567890189',
  cursor(['2026-13-45', UUID]),
  cursor(['2026-01-01', 'not-a-uuid']),
  cursor(['name', 'not-a-uuid']),
  cursor(['nul\u0000', UUID]),
  cursor([1, 2]),
  cursor([]),
  cursor({ a: 1 }),
  '!!!not base64!!!',
  '12345678901234567890',
];
const HOSTILE_INTS = [0, -1, 1, 2_147_483_647, -2_147_483_648, 101, 1_000_000];
const HOSTILE_FLOATS = [0, -1, 1.5, 1e308, -1e308];
const HOSTILE_DATES = ['2026-13-45', '2026-02-30', '0000-00-00', '2026-01-01', '9999-12-31', 'yesterday', '2026-1-1'];
const HOSTILE_DATETIMES = ['2026-13-45T00:00:00Z', '2026-01-01T25:61:00Z', '2026-01-01T00:00:00Z', 'now', '0'];

/** The value of `type` for variant `variant` of argument number `slot`: a deterministic walk through the candidates. */
function hostileValue(type: GraphQLInputType, variant: number, slot: number, depth = 0): unknown {
  const pick = <T>(values: readonly T[]) => values[(variant * 7 + slot * 13 + depth * 3) % values.length];
  if (isNonNullType(type)) return hostileValue(type.ofType, variant, slot, depth);
  if (variant % 11 === 5 && depth > 0) return null;
  if (isListType(type)) {
    // A long list only at the top: nested long lists would multiply into bodies of gigabytes.
    const length = depth === 0 ? pick([0, 1, 2, 3, 250]) : pick([0, 1, 2]);
    return Array.from({ length }, (_, index) => hostileValue(type.ofType, variant + index, slot, depth + 1));
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return Object.fromEntries(
      fields.map((field, index) => [field.name, hostileValue(field.type, variant, slot + index + 1, depth + 1)]),
    );
  }
  if (isEnumType(type)) return pick(type.getValues()).value as string;
  switch (type.name) {
    case 'Int':
      return pick(HOSTILE_INTS);
    case 'Float':
      return pick(HOSTILE_FLOATS);
    case 'Boolean':
      return variant % 2 === 0;
    case 'LocalDate':
      return pick([...HOSTILE_DATES, ...HOSTILE_STRINGS.slice(0, 3)]);
    case 'DateTimeISO':
      return pick([...HOSTILE_DATETIMES, ...HOSTILE_STRINGS.slice(0, 3)]);
    default:
      return pick(HOSTILE_STRINGS);
  }
}

/** Every scalar field of the type, and one level of its objects' scalars, so nested resolvers run too. */
function selectionOf(type: GraphQLOutputType, depth = 0): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) || depth > 2) return '{ __typename }';
  const fields = Object.values(named.getFields()).filter((field) =>
    field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined),
  );
  const parts = fields.flatMap((field) => {
    const inner = selectionOf(field.type, depth + 1);
    return isLeafType(getNamedType(field.type)) ? [field.name] : depth < 2 ? [`${field.name} ${inner}`] : [];
  });
  return `{ __typename ${parts.join(' ')} }`;
}

function operationFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, variant: number) {
  const variables = Object.fromEntries(
    field.args.map((arg, slot) => [arg.name, hostileValue(arg.type, variant, slot)]),
  );
  const definitions = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const query = `${operation}${definitions ? `(${definitions})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selectionOf(getNullableType(field.type))} }`;
  return { query, variables };
}

function requestsFor(operation: 'query' | 'mutation', root: GraphQLObjectType) {
  return Object.values(root.getFields()).flatMap((field) =>
    Array.from({ length: VARIANTS_PER_FIELD }, (_, variant) => ({
      field: field.name,
      ...operationFor(operation, field, variant),
    })),
  );
}

// Text of a database error or a stack frame, as it would read if one leaked.
const LEAK =
  /QueryFailedError|invalid input syntax|violates|relation "|column "|at or near|invalid byte sequence|\bat .+\.(js|ts):\d+/;

let gateway: TestGateway;
let apiKey: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  ({ apiKey } = await gateway.makeOwner());
});
afterAll(() => gateway?.close());

describe('hostile requests generated from the schema', () => {
  it('never get a server error, an internal error or a leak, whatever the root field and argument', async () => {
    const requests = [
      ...requestsFor('query', schema.getQueryType()!),
      ...requestsFor('mutation', schema.getMutationType()!),
    ];
    expect(requests.length).toBeGreaterThanOrEqual(2_000);
    const failures: string[] = [];
    const send = async ({ field, query, variables }: (typeof requests)[number]) => {
      const started = Date.now();
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      }).catch((error: Error) => error);
      if (response instanceof Error) {
        failures.push(
          `${field} no answer after ${Date.now() - started} ms: ${response.message} ${JSON.stringify(variables).slice(0, 300)}`,
        );
        return;
      }
      const text = await response.text();
      const codes = ((JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> }).errors ?? []).map(
        (error) => error.extensions?.code,
      );
      if (response.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR') || LEAK.test(text)) {
        failures.push(
          `${field} ${response.status} ${JSON.stringify(variables).slice(0, 300)} -> ${text.slice(0, 300)}`,
        );
      }
    };
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await send(next);
      }),
    );
    expect(failures).toEqual([]);
  }, 180_000);

  it('names the argument that holds a NUL byte in a literal, before any resolver runs', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: '{ institutions(search: "a\\u0000b") { edges { cursor } } }' }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(response.status).toBe(400);
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
  });

  it('refuses an impossible date inside a transactions cursor as a bad cursor', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        query: 'query($after: String) { transactions(first: 5, after: $after) { edges { cursor } } }',
        variables: { after: cursor(['2026-13-45', UUID]) },
      }),
    });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]).toMatchObject({
      message: 'after is not a cursor returned by this API',
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });
});
