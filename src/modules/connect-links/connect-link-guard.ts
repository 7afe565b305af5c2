import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';
import type { GatewayContext } from '../../server/context';
import { PrincipalKind } from '../principals/principal.entity';

/** All a connect link may do: list the banks and start its one consent journey. */
const LINK_ROOT_FIELDS = new Set(['institutions', 'startConnection', '__typename']);

/**
 * Refuses, before anything runs, any operation of a connect link that asks for more than its journey. Checked on the
 * operation's root fields rather than by scopes, so that no field authorised by MANAGE_CONNECTIONS (revoke, delete,
 * createConnectLink itself) nor any field without a scope is reachable with a link.
 */
export function connectLinkGuardPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.principal.kind !== PrincipalKind.CONNECT_LINK) return;
      return {
        async didResolveOperation({ operation }) {
          const allowed = operation?.selectionSet.selections.every(
            (selection) => selection.kind === Kind.FIELD && LINK_ROOT_FIELDS.has(selection.name.value),
          );
          if (!allowed || operation?.operation === 'subscription') {
            throw new GraphQLError('a connect link may only list institutions and start its consent journey', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
