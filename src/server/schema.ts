import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker, type ContainerType, type BuildSchemaOptions, type PubSub } from 'type-graphql';
import { formatMoneyFields } from '../common/money';
import { resolverBindings } from '../modules';
import type { ApiScope } from '../modules/principals/api-scope';
import type { GatewayContext } from './context';

const resolvers = resolverBindings.map((binding) => binding.type) as unknown as BuildSchemaOptions['resolvers'];

/** `@Authorized(ApiScope.X, ...)`: the caller's key must carry every scope named. Authentication happened already. */
const authChecker: AuthChecker<GatewayContext, ApiScope> = ({ context }, requiredScopes) =>
  requiredScopes.every((scope) => context.principal.scopes.includes(scope));

/**
 * Every subscription reads the ordered outbox through its own `subscribe` function (EventsService), so that a
 * reconnecting client can resume from a cursor; type-graphql's topic-based pub/sub is never used. type-graphql still
 * insists on one, so this one refuses use loudly instead of silently dropping events.
 */
const topicsAreNotUsed: PubSub = {
  publish() {
    throw new Error('publish events through EventsService (the outbox), not type-graphql topics');
  },
  subscribe() {
    throw new Error('subscriptions declare `subscribe` and read EventsService, not type-graphql topics');
  },
};

/**
 * Builds the executable schema. `container` hands type-graphql the resolver instances built with their services;
 * it is optional so the schema can be printed (`npm run schema:emit`) without a database.
 */
export async function buildGatewaySchema(container?: ContainerType): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    container,
    authChecker,
    pubSub: topicsAreNotUsed,
    validate: { forbidUnknownValues: false },
  });
  return formatMoneyFields(schema);
}

/** The SDL committed in schema/schema.graphql, sorted so that reordering code does not churn the file. */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
