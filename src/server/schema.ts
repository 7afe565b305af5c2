import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker, type ContainerType } from 'type-graphql';
import { InstitutionsResolver } from '../modules/institutions/institutions.resolver';
import type { ApiScope } from '../modules/principals/api-scope';
import { ViewerResolver } from '../modules/principals/viewer.resolver';
import type { GatewayContext } from './context';

export const resolvers = [ViewerResolver, InstitutionsResolver] as const;

/** `@Authorized(ApiScope.X, ...)`: the caller's key must carry every scope named. Authentication happened already. */
const authChecker: AuthChecker<GatewayContext, ApiScope> = ({ context }, requiredScopes) =>
  requiredScopes.every((scope) => context.principal.scopes.includes(scope));

/**
 * Builds the executable schema. `container` hands type-graphql the resolver instances built with their services;
 * it is optional so the schema can be printed (`npm run schema:emit`) without a database.
 */
export function buildGatewaySchema(container?: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    container,
    authChecker,
    validate: { forbidUnknownValues: false },
  });
}

/** The SDL committed in schema/schema.graphql, sorted so that reordering code does not churn the file. */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
