import type { FetchFn, ResilienceOptions, UpstreamObserver } from './shared/upstream';
import type { HttpSigningKey } from './stet/http-signature';
import type { InstitutionEndpoint, ProviderAdapter, ProviderTokens } from './types';

/** What the gateway hands every adapter it builds; each standard takes the part it needs. */
export interface ProviderAdapterDeps {
  fetch?: FetchFn;
  observer?: UpstreamObserver;
  resilience?: Partial<ResilienceOptions>;
  /** The TPP's QSealC key, for standards that sign every request (STET). */
  signingKey?: HttpSigningKey;
  /** Called with the new pair whenever an OAuth2 access token is refreshed, so the gateway can store it (encrypted). */
  onTokensRefreshed?: (providerConsentId: string, tokens: ProviderTokens) => void | Promise<void>;
}

/** One bank API standard: how to build its adapter for one institution. Each lives in its folder's `index.ts`. */
export interface ProviderStandardDefinition {
  createAdapter(endpoint: InstitutionEndpoint, deps: ProviderAdapterDeps): ProviderAdapter;
}
