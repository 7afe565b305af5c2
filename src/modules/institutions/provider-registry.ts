import { generateKeyPairSync } from 'node:crypto';
import {
  createProviderAdapter,
  type HttpSigningKey,
  type ProviderAdapter,
  type ProviderTokens,
  type UpstreamObserver,
} from '../../providers';
import type { Institution } from './institution.entity';
import { SANDBOX_URL_SCHEME } from './institution.seed';

export interface ProviderRegistryOptions {
  /** Where the in-process sandbox banks answer; known once the server listens. */
  sandboxBaseUrl: () => string;
  observer?: UpstreamObserver;
  onTokensRefreshed?: (providerConsentId: string, tokens: ProviderTokens) => Promise<void> | void;
}

/** Our OAuth2 client id at the sandbox STET bank; the gateway registers its callback URI under it. */
export const SANDBOX_CLIENT_ID = 'passerelle';

/**
 * One adapter per institution for the process's life: its circuit breaker and STET's client-credentials token
 * belong to that bank, so a fresh adapter per request would forget an outage at once.
 */
export class ProviderRegistry {
  private readonly adapters = new Map<string, ProviderAdapter>();
  // STET requires every request to be signed (HTTP Signatures with a QSealC key). The sandbox checks the shape, not
  // the certificate, so a key made at start serves it; a real STET bank needs the key its QSealC certifies.
  private stetSigningKey?: HttpSigningKey;

  constructor(private readonly options: ProviderRegistryOptions) {}

  forInstitution(institution: Institution): ProviderAdapter {
    let adapter = this.adapters.get(institution.id);
    if (!adapter) {
      const signingKey = () => this.signingKey();
      adapter = createProviderAdapter(
        {
          institutionId: institution.id,
          standard: institution.standard,
          baseUrl: this.resolveBaseUrl(institution.apiBaseUrl),
          clientId: SANDBOX_CLIENT_ID,
        },
        {
          observer: this.options.observer,
          onTokensRefreshed: this.options.onTokensRefreshed,
          // A getter: only standards that sign (STET) read it, so only they pay for making the key.
          get signingKey() {
            return signingKey();
          },
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
