import { generateKeyPairSync } from 'node:crypto';
import {
  createProviderAdapter,
  type HttpSigningKey,
  type ProviderAdapter,
  type ProviderTokens,
  type UpstreamCall,
  type UpstreamObserver,
  type UpstreamResource,
} from '../../providers';
import type { Institution } from './institution.entity';
import { SANDBOX_URL_SCHEME } from './institution.seed';

export interface ProviderRegistryOptions {
  /** Where the in-process sandbox banks answer; known once the server listens. */
  sandboxBaseUrl: () => string;
  observer?: UpstreamObserver;
  onTokensRefreshed?: (providerConsentId: string, tokens: ProviderTokens) => Promise<void> | void;
}

/**
 * Upstream HTTP exchanges per institution and resource kind since start (or the last `reset`): what proves that a
 * query costs one call per bank and resource kind, for tests and the bench. Every attempt and page counts.
 */
export class UpstreamCallCounter implements UpstreamObserver {
  private readonly counts = new Map<string, Map<UpstreamResource, number>>();

  onUpstreamCall({ institutionId, resource }: UpstreamCall): void {
    const perResource = this.counts.get(institutionId) ?? new Map<UpstreamResource, number>();
    perResource.set(resource, (perResource.get(resource) ?? 0) + 1);
    this.counts.set(institutionId, perResource);
  }

  /** `{ [institutionId]: { [resource]: calls } }`. */
  snapshot(): Record<string, Partial<Record<UpstreamResource, number>>> {
    return Object.fromEntries([...this.counts].map(([institutionId, perResource]) => [institutionId, Object.fromEntries(perResource)]));
  }

  total(): number {
    let sum = 0;
    for (const perResource of this.counts.values()) for (const calls of perResource.values()) sum += calls;
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Our OAuth2 client id at the sandbox STET bank, which accepts any registered-looking id. */
const SANDBOX_CLIENT_ID = 'passerelle';

/**
 * One adapter per institution for the process's life: its circuit breaker and STET's client-credentials token
 * belong to that bank, so a fresh adapter per request would forget an outage at once.
 */
export class ProviderRegistry {
  private readonly adapters = new Map<string, ProviderAdapter>();
  // STET requires every request to be signed (HTTP Signatures with a QSealC key). The sandbox checks the shape, not
  // the certificate, so a key made at start serves it; a real STET bank needs the key its QSealC certifies.
  private stetSigningKey?: HttpSigningKey;
  readonly upstreamCalls = new UpstreamCallCounter();
  private readonly observer: UpstreamObserver;

  constructor(private readonly options: ProviderRegistryOptions) {
    this.observer = {
      onUpstreamCall: (call) => {
        this.upstreamCalls.onUpstreamCall(call);
        options.observer?.onUpstreamCall?.(call);
      },
    };
  }

  forInstitution(institution: Institution): ProviderAdapter {
    let adapter = this.adapters.get(institution.id);
    if (!adapter) {
      adapter = createProviderAdapter(
        {
          institutionId: institution.id,
          standard: institution.standard,
          baseUrl: this.resolveBaseUrl(institution.apiBaseUrl),
          clientId: SANDBOX_CLIENT_ID,
        },
        {
          observer: this.observer,
          stet: { signingKey: this.signingKey(), onTokensRefreshed: this.options.onTokensRefreshed },
        },
      );
      this.adapters.set(institution.id, adapter);
    }
    return adapter;
  }

  private signingKey(): HttpSigningKey {
    this.stetSigningKey ??= {
      keyId: 'passerelle-sandbox-qsealc',
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    };
    return this.stetSigningKey;
  }

  private resolveBaseUrl(apiBaseUrl: string): string {
    return apiBaseUrl.startsWith(SANDBOX_URL_SCHEME)
      ? `${this.options.sandboxBaseUrl()}${apiBaseUrl.slice(SANDBOX_URL_SCHEME.length)}`
      : apiBaseUrl;
  }
}
