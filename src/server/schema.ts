import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker, type ContainerType, type PubSub } from 'type-graphql';
import { AccountingResolver } from '../modules/accounting/accounting.resolver';
import { AccountsResolver } from '../modules/accounts/accounts.resolver';
import { ConnectionsResolver } from '../modules/connections/connections.resolver';
import { InstitutionsResolver } from '../modules/institutions/institutions.resolver';
import { InvoicesResolver } from '../modules/invoices/invoices.resolver';
import { PayoutsResolver } from '../modules/payouts/payouts.resolver';
import { ReconciliationResolver } from '../modules/reconciliation/reconciliation.resolver';
import { SyncResolver } from '../modules/sync/sync.resolver';
import { AccountTransactionsResolver, TransactionsResolver } from '../modules/transactions/transactions.resolver';
import type { ApiScope } from '../modules/principals/api-scope';
import { ViewerResolver } from '../modules/principals/viewer.resolver';
import type { GatewayContext } from './context';

export const resolvers = [
  ViewerResolver,
  InstitutionsResolver,
  ConnectionsResolver,
  AccountsResolver,
  TransactionsResolver,
  AccountTransactionsResolver,
  SyncResolver,
  InvoicesResolver,
  PayoutsResolver,
  ReconciliationResolver,
  AccountingResolver,
] as const;

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
export function buildGatewaySchema(container?: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    container,
    authChecker,
    pubSub: topicsAreNotUsed,
    validate: { forbidUnknownValues: false },
  });
}

/** The SDL committed in schema/schema.graphql, sorted so that reordering code does not churn the file. */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
