import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { perDocument } from '../common/per-document';
import type { EdgeLimits } from '../config';

/** The code of every limit an operation breaks; it is refused before any resolver runs. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** What a list without a `first` argument is assumed to hold (accounts, connections, balances...). */
const ASSUMED_LIST_SIZE = 10;

/**
 * GraphQL Armor's depth, alias and directive rules, each reporting under one code. Armor's own errors carry no
 * code and read "Syntax Error", which would tell a client its query does not parse.
 */
export function limitRules(limits: EdgeLimits): ValidationRule[] {
  const reject = (limit: string, max: number) => [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          nodes: error.nodes,
          extensions: { code: QUERY_TOO_COMPLEX, limit, max },
        }),
      ),
  ];
  const common = { exposeLimits: true, propagateOnRejection: false };
  return [
    maxDepthRule({ ...common, n: limits.depth, onReject: reject('depth', limits.depth) }),
    maxAliasesRule({ ...common, n: limits.aliases, onReject: reject('aliases', limits.aliases) }),
    maxDirectivesRule({ ...common, n: limits.directives, onReject: reject('directives', limits.directives) }),
  ];
}

/**
 * An operation's cost: 1 per object, times the `first` of the list it is in, so `transactions(first: 100)` costs
 * 100 times its selection. The edges of a connection are already counted by their parent's `first`.
 */
const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const fieldType = getNullableType(field.type);
  const objectCost = isCompositeType(getNamedType(fieldType)) ? 1 : 0;
  const first = typeof args.first === 'number' ? args.first : undefined;
  const inConnection = type.name.endsWith('Connection');
  const size = first ?? (isListType(fieldType) && !inConnection ? ASSUMED_LIST_SIZE : 1);
  return size * (objectCost + childComplexity);
};

/** What an operation costs, or why it is refused; neither when its variables do not coerce. */
interface Measure {
  cost?: number;
  error?: GraphQLError;
}

/** The cost check, for an operation that passed validation; its variables are needed to read `first: $n`. */
function measure(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  maxCost: number,
): Measure {
  let cost: number;
  try {
    cost = getComplexity({ schema, query: document, variables, operationName, estimators: [costEstimator] });
  } catch (error) {
    // Variables that do not coerce: execution names them as BAD_USER_INPUT; anything else counts as too complex.
    if (error instanceof GraphQLError && error.message.startsWith('Variable "$')) return {};
    return {
      error: new GraphQLError('the operation is too large to analyse', {
        extensions: { code: QUERY_TOO_COMPLEX, limit: 'cost', max: maxCost },
      }),
    };
  }
  if (cost <= maxCost) return { cost };
  return {
    cost,
    error: new GraphQLError(
      `the operation costs ${cost}, above the limit of ${maxCost}: ask for fewer items (first) or fewer fields`,
      { extensions: { code: QUERY_TOO_COMPLEX, limit: 'cost', max: maxCost, cost } },
    ),
  };
}

export function costError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  maxCost: number,
): GraphQLError | undefined {
  return measure(schema, document, variables, operationName, maxCost).error;
}

/**
 * Apollo's half: depth, aliases and directives run beside its own validation; the cost runs once the operation and
 * its variables are known, before execution. Apollo would recode validation-rule errors GRAPHQL_VALIDATION_FAILED,
 * so every limit is checked here, where a thrown error keeps its code. `onCost` hears what each operation that runs
 * costs (the per-key concurrency weighs keys by it).
 */
export function limitsPlugin<C extends BaseContext>(
  limits: EdgeLimits,
  onCost: (context: C, cost: number) => void = () => undefined,
): ApolloServerPlugin<C> {
  const rules = limitRules(limits);
  const ruleError = perDocument((document, schema: GraphQLSchema) => validate(schema, document, rules)[0]);
  // An operation's cost depends on its variables (`first: $n`): remembered per document for a few variable sets.
  const costs = perDocument(() => new Map<string, Measure>());
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, contextValue }) {
          const error = ruleError(document, schema);
          const measured = error ? {} : cachedMeasure(costs(document), schema, document, request, limits);
          const refused = error ?? measured.error;
          if (refused) {
            throw new GraphQLError(refused.message, {
              nodes: refused.nodes,
              extensions: { ...refused.extensions, http: { status: 400 } },
            });
          }
          if (measured.cost !== undefined) onCost(contextValue, measured.cost);
        },
      };
    },
  };
}

const COST_VARIANTS_PER_DOCUMENT = 32;

function cachedMeasure(
  known: Map<string, Measure>,
  schema: GraphQLSchema,
  document: DocumentNode,
  request: { variables?: Record<string, unknown>; operationName?: string },
  limits: EdgeLimits,
): Measure {
  const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
  const remembered = known.get(key);
  if (remembered) return remembered;
  const measured = measure(schema, document, request.variables, request.operationName, limits.cost);
  if (known.size < COST_VARIANTS_PER_DOCUMENT) known.set(key, measured);
  return measured;
}

/** What a graphql-ws `onSubscribe` gets: the raw message payload. */
export interface SocketOperation {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The WebSocket half: the same parse limit, the same validation (graphql-js's rules, the limits and, when HTTP
 * refuses it, introspection) and the same cost as over HTTP. Returns the document to run, or the errors to send.
 */
export function checkSocketOperation(
  schema: GraphQLSchema,
  operation: SocketOperation,
  limits: EdgeLimits,
  introspection: boolean,
): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(operation.query, { maxTokens: limits.tokens });
  } catch (error) {
    const syntax = error instanceof GraphQLError ? error : new GraphQLError('the query does not parse');
    return { errors: [new GraphQLError(syntax.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const rules = [...specifiedRules, ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]), ...limitRules(limits)];
  const errors = validate(schema, document, rules);
  if (errors.length > 0) return { errors };
  const tooCostly = costError(
    schema,
    document,
    operation.variables ?? undefined,
    operation.operationName ?? undefined,
    limits.cost,
  );
  return tooCostly ? { errors: [tooCostly] } : { document };
}
