/**
 * Picks the adapter for an institution's API standard. Create one adapter per institution and keep it for the
 * process's life: its circuit breaker (and STET's client-credentials token) belong to that bank.
 */
import { BerlinGroupAdapter } from './berlin-group/adapter';
import type { FetchFn, ResilienceOptions, UpstreamObserver } from './shared/upstream';
import { StetAdapter, type StetAdapterOptions } from './stet/adapter';
import type { InstitutionEndpoint, ProviderAdapter } from './types';

export interface ProviderAdapterDeps {
  fetch?: FetchFn;
  observer?: UpstreamObserver;
  resilience?: Partial<ResilienceOptions>;
  /** What STET banks need beyond the endpoint: the QSealC signing key, the client secret, token refresh callback. */
  stet?: Pick<StetAdapterOptions, 'signingKey' | 'clientSecret' | 'oauthBaseUrl' | 'initiatingPartyName' | 'onTokensRefreshed'>;
}

export function createProviderAdapter(endpoint: InstitutionEndpoint, deps: ProviderAdapterDeps = {}): ProviderAdapter {
  const common = { endpoint, fetch: deps.fetch, observer: deps.observer, resilience: deps.resilience };
  switch (endpoint.standard) {
    case 'BERLIN_GROUP':
      return new BerlinGroupAdapter(common);
    case 'STET':
      if (!deps.stet) throw new TypeError(`STET institution ${endpoint.institutionId} needs deps.stet (signing key)`);
      return new StetAdapter({ ...common, ...deps.stet });
    default: {
      const never: never = endpoint.standard;
      throw new TypeError(`Unsupported provider standard ${String(never)}`);
    }
  }
}

export type { UpstreamCall, UpstreamObserver, UpstreamResource, ResilienceOptions } from './shared/upstream';
export type { HttpSigningKey } from './stet/http-signature';
export * from './types';
