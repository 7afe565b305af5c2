/**
 * Picks the adapter for an institution's API standard. Create one adapter per institution and keep it for the
 * process's life: its circuit breaker (and STET's client-credentials token) belong to that bank.
 */
import type { ProviderAdapterDeps, ProviderStandardDefinition } from './standard';
import { PROVIDER_STANDARDS } from './standards';
import type { InstitutionEndpoint, ProviderAdapter } from './types';

export function createProviderAdapter(endpoint: InstitutionEndpoint, deps: ProviderAdapterDeps = {}): ProviderAdapter {
  // The standard comes from a database row: check it at run time too.
  const standard: ProviderStandardDefinition | undefined = Object.hasOwn(PROVIDER_STANDARDS, endpoint.standard)
    ? PROVIDER_STANDARDS[endpoint.standard]
    : undefined;
  if (!standard) throw new TypeError(`Unsupported provider standard ${String(endpoint.standard)}`);
  return standard.createAdapter(endpoint, deps);
}

export type { ProviderAdapterDeps, ProviderStandardDefinition } from './standard';
export { PROVIDER_STANDARD_NAMES } from './standards';
export type { UpstreamCall, UpstreamObserver, UpstreamResource, ResilienceOptions } from './shared/upstream';
export type { HttpSigningKey } from './stet/http-signature';
export * from './types';
