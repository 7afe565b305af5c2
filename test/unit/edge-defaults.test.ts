import { loadConfig } from '../../src/config';
import { metricsGuard } from '../../src/server/metrics-guard';

describe('safe defaults in production', () => {
  it('seeds no demo keys in production unless asked to, even on the embedded database', () => {
    const production = { NODE_ENV: 'production', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadConfig(production).demoSeed).toBe(false);
    expect(loadConfig({ ...production, DEMO_SEED: 'true' }).demoSeed).toBe(true);
    expect(loadConfig({}).demoSeed).toBe(true);
  });

  it('turns /metrics off in production when no token is configured', () => {
    const statuses: number[] = [];
    const res = { status: (code: number) => (statuses.push(code), { end: () => undefined }) };
    let passed = false;
    metricsGuard({ env: 'production' })({} as never, res as never, () => (passed = true));
    expect(statuses).toEqual([404]);
    metricsGuard({ env: 'development' })({} as never, res as never, () => (passed = true));
    expect(passed).toBe(true);
  });
});
