import type { GatewayContext } from './context';

const values = new WeakMap<object, Map<symbol, unknown>>();

/**
 * A value (typically a feature's DataLoader) made once per request, beside the request's own loaders and for as long
 * as they live: a subscription renews those for each event, and these go with them, so no cache outlives a request.
 * Lets a feature keep its loaders in its own folder instead of the shared factory in loaders.ts.
 */
export function requestScoped<T>(context: GatewayContext, key: symbol, make: () => T): T {
  let scope = values.get(context.loaders);
  if (!scope) {
    scope = new Map();
    values.set(context.loaders, scope);
  }
  if (!scope.has(key)) scope.set(key, make());
  return scope.get(key) as T;
}
