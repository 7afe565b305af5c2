import { generateKeyPairSync } from 'node:crypto';
import { Counter, Histogram, Registry } from 'prom-client';
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
 * The same calls feed Prometheus metrics, in a registry of this gateway's own (several gateways share a test process).
 */
export class UpstreamCallCounter implements UpstreamObserver {
  private readonly counts = new Map<string, Map<UpstreamResource, number>>();
  readonly metrics = new Registry();
  private readonly callsTotal = new Counter({
    name: 'passerelle_upstream_calls_total',
    help: 'HTTP exchanges with banks, every retry attempt and page included.',
    labelNames: ['institution_id', 'resource', 'status'],
    registers: [this.metrics],
  });
  private readonly callSeconds = new Histogram({
    name: 'passerelle_upstream_call_duration_seconds',
    help: 'Duration of one HTTP exchange with a bank.',
    labelNames: ['institution_id', 'resource'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.metrics],
  });

  onUpstreamCall({ institutionId, resource, status, durationMs }: UpstreamCall): void {
    const perResource = this.counts.get(institutionId) ?? new Map<UpstreamResource, number>();
    perResource.set(resource, (perResource.get(resource) ?? 0) + 1);
    this.counts.set(institutionId, perResource);
    this.callsTotal.inc({ institution_id: institutionId, resource, status: String(status) });
    this.callSeconds.observe({ institution_id: institutionId, resource }, durationMs / 1000);
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
