import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import {
  ArgumentValidationError,
  buildSchema,
  type AuthChecker,
  type ContainerType,
  type BuildSchemaOptions,
  type PubSub,
} from 'type-graphql';
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

const VALIDATOR_OPTIONS: ValidatorOptions = { forbidUnknownValues: false, skipMissingProperties: true };

/**
 * class-validator on each argument object (an `@ArgsType` or `@InputType`), as type-graphql's own validation does
 * with these options, but with the module imported once: type-graphql's requires it again for every argument.
 */
async function validateArgument(value: unknown): Promise<void> {
  const objects = (Array.isArray(value) ? value : [value]).filter(
    (item): item is object => item !== null && typeof item === 'object',
  );
  try {
    await Promise.all(objects.map((object) => validateOrReject(object, VALIDATOR_OPTIONS)));
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

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
    validateFn: validateArgument,
  });
  return formatMoneyFields(schema);
}

/** The SDL committed in schema/schema.graphql, sorted so that reordering code does not churn the file. */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
