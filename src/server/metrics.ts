import { Counter, Histogram, Registry } from 'prom-client';
import type { UpstreamCall, UpstreamObserver, UpstreamResource } from '../providers';

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
    return Object.fromEntries(
      [...this.counts].map(([institutionId, perResource]) => [institutionId, Object.fromEntries(perResource)]),
    );
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
