import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { EdgeLimits } from '../config';
import type { AuthenticatedPrincipal } from '../modules/principals/principals.service';
import { unstorableInputError } from './input-guard';
import { checkSocketOperation } from './limits';
import type { RateLimits } from './rate-limit';

export type SocketExtra = {
  principal?: AuthenticatedPrincipal;
};

type Hooks = Pick<ServerOptions<Record<string, unknown>, SocketExtra>, 'onSubscribe' | 'onComplete' | 'onClose'>;

/**
 * What graphql-ws runs for every operation on a socket, so the socket refuses what HTTP refuses: the same parse,
 * validation, introspection policy, cost and rate limit, plus a cap on live operations per socket and per API key
 * (each holds a database cursor and a pub/sub listener).
 */
export function socketLimits(
  schema: GraphQLSchema,
  limits: EdgeLimits,
  introspection: boolean,
  rateLimits: RateLimits,
): Hooks {
  const liveByKey = new Map<string, Set<string>>();
  const socketIds = new WeakMap<object, string>();
  let sockets = 0;
  const liveId = (ctx: object, id: string) => {
    if (!socketIds.has(ctx)) socketIds.set(ctx, String((sockets += 1)));
    return `${socketIds.get(ctx)}:${id}`;
  };
  const release = (keyId: string | undefined, live: string) => {
    const set = keyId ? liveByKey.get(keyId) : undefined;
    set?.delete(live);
    if (set?.size === 0) liveByKey.delete(keyId!);
  };

  return {
    onSubscribe: async (ctx, id, payload) => {
      const principal = ctx.extra.principal!;
      const checked = checkSocketOperation(schema, payload, limits, introspection);
      if ('errors' in checked) return [...checked.errors];
      const unstorable = unstorableInputError(checked.document, payload.variables);
      if (unstorable) return [unstorable];
      const limited = await rateLimits.consumeOperation(principal.apiKeyId);
      if (limited) return [limited];
      // ctx.subscriptions already holds this operation's id.
      if (Object.keys(ctx.subscriptions).length > limits.subscriptionsPerSocket) {
        return [tooMany(`at most ${limits.subscriptionsPerSocket} operations may run at once on one socket`)];
      }
      const live = liveByKey.get(principal.apiKeyId) ?? new Set<string>();
      if (live.size >= limits.subscriptionsPerKey) {
        return [tooMany(`at most ${limits.subscriptionsPerKey} operations may run at once with one API key`)];
      }
      live.add(liveId(ctx, id));
      liveByKey.set(principal.apiKeyId, live);
      return {
        schema,
        document: checked.document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      };
    },
    onComplete: (ctx, id) => release(ctx.extra.principal?.apiKeyId, liveId(ctx, id)),
    // A socket that drops may skip onComplete for operations that had not started streaming: forget them all.
    onClose: (ctx) => {
      const prefix = `${liveId(ctx, '')}`;
      const keyId = ctx.extra.principal?.apiKeyId;
      for (const live of keyId ? [...(liveByKey.get(keyId) ?? [])] : [])
        if (live.startsWith(prefix)) release(keyId, live);
    },
  };
}

function tooMany(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'TOO_MANY_OPERATIONS', limit: 'subscriptions' } });
}
