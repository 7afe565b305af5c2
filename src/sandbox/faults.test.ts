import {
  type RunningSandbox,
  bgHeaders,
  connectBerlinGroup,
  http,
  startSandbox,
} from '../../test/support/sandbox-server';

describe('Sandbox Unreliable Bank faults', () => {
  let sandbox: RunningSandbox;
  let flaky: string;
  let consentId: string;
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2026-11-25T12:00:00Z');
    sandbox = await startSandbox({ now: () => clock, seed: 'faults' });
    flaky = `${sandbox.root}/flaky`;
    consentId = await connectBerlinGroup(flaky);
  });
  afterEach(() => sandbox.close());

  const accounts = () =>
    http(`${flaky}/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }) });

  it('answers normally when no fault is switched on', async () => {
    expect((await accounts()).status).toBe(200);
  });

  it('fails the next N requests with a server error, then recovers', async () => {
    sandbox.control.setFaults('flaky', { serverError: 2, serverErrorStatus: 500 });
    expect((await accounts()).status).toBe(500);
    expect((await accounts()).status).toBe(500);
    expect((await accounts()).status).toBe(200);
  });

  it('fails every request while a server error is switched on always', async () => {
    sandbox.control.setFaults('flaky', { serverError: 'always' });
    for (let i = 0; i < 3; i += 1) expect((await accounts()).status).toBe(503);
    sandbox.control.resetFaults();
    expect((await accounts()).status).toBe(200);
  });

  it('rate-limits with 429 and a Retry-After header', async () => {
    sandbox.control.setFaults('flaky', { tooManyRequests: { count: 1, retryAfterSeconds: 7 } });
    const limited = await accounts();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json).toMatchObject({ tppMessages: [{ code: 'ACCESS_EXCEEDED' }] });
    expect((await accounts()).status).toBe(200);
  });

  it('cuts JSON bodies in half while keeping the status and content type', async () => {
    sandbox.control.setFaults('flaky', { truncatedJson: 1 });
    const cut = await accounts();
    expect(cut.status).toBe(200);
    expect(cut.headers.get('content-type')).toContain('application/json');
    expect(cut.json).toBeUndefined();
    expect(cut.text.length).toBeGreaterThan(10);
    expect((await accounts()).json).toBeDefined();
  });

  it('adds latency to every answer', async () => {
    sandbox.control.setFaults('flaky', { latencyMs: 300 });
    const started = Date.now();
    await accounts();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('expires the consent at the bank, for good', async () => {
    sandbox.control.setFaults('flaky', { consentExpired: true });
    const refused = await accounts();
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ tppMessages: [{ code: 'CONSENT_EXPIRED' }] });
    sandbox.control.resetFaults();
    const status = await http(`${flaky}/v1/consents/${consentId}/status`, { headers: bgHeaders() });
    expect(status.json).toEqual({ consentStatus: 'expired' });
  });

  it('revokes the consent at the bank, for good', async () => {
    sandbox.control.setFaults('flaky', { consentRevoked: true });
    const refused = await accounts();
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ tppMessages: [{ code: 'CONSENT_INVALID' }] });
    sandbox.control.resetFaults();
    const status = await http(`${flaky}/v1/consents/${consentId}/status`, { headers: bgHeaders() });
    expect(status.json).toEqual({ consentStatus: 'revokedByPsu' });
  });

  it('expires a consent when the clock passes its validUntil', async () => {
    const shortLived = await connectBerlinGroup(flaky, { validUntil: '2026-11-30' });
    clock = new Date('2026-12-01T00:00:01Z');
    const refused = await http(`${flaky}/v1/accounts`, {
      headers: bgHeaders({ 'Consent-ID': shortLived, 'PSU-IP-Address': '192.0.2.1' }),
    });
    expect(refused.json).toMatchObject({ tppMessages: [{ code: 'CONSENT_EXPIRED' }] });
  });

  it('takes faults from the options at start, and resetFaults returns to them', async () => {
    const configured = await startSandbox({ faults: { flaky: { serverError: 'always' } } });
    try {
      const answer = await http(`${configured.root}/flaky/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': 'x' }) });
      expect(answer.status).toBe(503);
      configured.control.setFaults('flaky', {});
      configured.control.resetFaults();
      expect(
        (await http(`${configured.root}/flaky/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': 'x' }) })).status,
      ).toBe(503);
    } finally {
      await configured.close();
    }
  });

  it('logs every request with its consent id and whether the PSU was present', async () => {
    sandbox.control.clearRequests();
    await accounts();
    await http(`${flaky}/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': consentId }) });
    const log = sandbox.control.requests('flaky');
    expect(log.map((r) => [r.method, r.path, r.consentId, r.psuIpAddress, r.status])).toEqual([
      ['GET', '/v1/accounts', consentId, true, 200],
      ['GET', '/v1/accounts', consentId, false, 200],
    ]);
    expect(sandbox.control.requests('berlin-group')).toEqual([]);
  });
});
