import {
  type RunningSandbox,
  bgHeaders,
  connectBerlinGroup,
  connectStet,
  http,
  startSandbox,
  stetHeaders,
} from '../../test/support/sandbox-server';

const TOKEN = 'control-token-for-tests';

describe('the sandbox control API over HTTP', () => {
  let sandbox: RunningSandbox;
  let control: string;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const send = (method: string, path: string, json?: unknown) =>
    http(`${control}${path}`, { method, headers: auth, json });

  beforeEach(async () => {
    sandbox = await startSandbox({ now: () => new Date('2026-11-25T12:00:00Z'), seed: 'control', controlToken: TOKEN });
    control = `${sandbox.root}/_control`;
  });
  afterEach(() => sandbox.close());

  it('refuses a request without the control token, or with another one', async () => {
    expect((await http(`${control}/faults`)).status).toBe(401);
    const wrong = await http(`${control}/faults`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: expect.stringContaining('sandbox control token') });
  });

  it('does not exist when the sandbox was started without a control token', async () => {
    const bare = await startSandbox({ now: () => new Date('2026-11-25T12:00:00Z') });
    try {
      expect((await http(`${bare.root}/_control/faults`, { headers: auth })).status).toBe(404);
    } finally {
      await bare.close();
    }
  });

  it('switches a bank’s faults on and back to its baseline', async () => {
    const consentId = await connectBerlinGroup(`${sandbox.root}/flaky`);
    const accounts = () =>
      http(`${sandbox.root}/flaky/v1/accounts`, {
        headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
      });
    const set = await send('PUT', '/banks/flaky/faults', {
      serverError: 'always',
      serverErrorStatus: 502,
      tooManyRequests: { count: 0, retryAfterSeconds: 3 },
    });
    expect(set.status).toBe(200);
    expect((await accounts()).status).toBe(502);
    expect((await send('GET', '/faults')).json).toMatchObject({ flaky: { serverError: 'always' }, stet: {} });
    expect((await send('DELETE', '/banks/flaky/faults')).json).toEqual({});
    expect((await accounts()).status).toBe(200);
  });

  it('switches on latency, rate limits and truncated bodies, each as its knob says', async () => {
    const consentId = await connectBerlinGroup(`${sandbox.root}/flaky`);
    const accounts = () =>
      http(`${sandbox.root}/flaky/v1/accounts`, {
        headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
      });
    await send('PUT', '/banks/flaky/faults', {
      tooManyRequests: { count: 1, retryAfterSeconds: 9 },
      truncatedJson: 1,
      latencyMs: 1,
    });
    const limited = await accounts();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '9']);
    const truncated = await accounts();
    expect([truncated.status, truncated.json]).toEqual([200, undefined]);
    expect((await accounts()).json).toHaveProperty('accounts');
  });

  it('answers 400 naming the knob for an unknown knob or a bad value, and 404 for an unknown bank', async () => {
    expect((await send('PUT', '/banks/flaky/faults', { serverError: 'sometimes' })).status).toBe(400);
    const unknown = await send('PUT', '/banks/flaky/faults', { meteorStrike: true });
    expect([unknown.status, (unknown.json as { error: string }).error]).toEqual([
      400,
      expect.stringContaining('meteorStrike'),
    ]);
    expect((await send('PUT', '/banks/nowhere/faults', {})).status).toBe(404);
  });

  it('adds a pending line with counterparty and remittance, then books it', async () => {
    const bank = `${sandbox.root}/berlin-group`;
    const consentId = await connectBerlinGroup(bank);
    const headers = bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' });
    const { accounts } = (await http(`${bank}/v1/accounts`, { headers })).json as {
      accounts: { resourceId: string; iban: string }[];
    };
    const added = await send('POST', `/accounts/${accounts[0].iban}/transactions`, {
      amount: '1250.00',
      status: 'pending',
      counterpartyName: 'Atelier Durand',
      counterpartyIban: 'FR14 2004 1010 0505 0001 3M02 606',
      remittanceUnstructured: 'Invoice 2026-118',
      remittanceStructured: 'RF18539007547034',
    });
    expect(added.status).toBe(201);
    const { id } = added.json as { id: string };
    const read = async (status: 'booked' | 'pending') => {
      const page = await http(
        `${bank}/v1/accounts/${accounts[0].resourceId}/transactions?bookingStatus=both&dateFrom=2026-11-25`,
        { headers },
      );
      const lines = (page.json as { transactions: Record<string, { transactionId: string }[]> }).transactions[status];
      return lines.find((line) => line.transactionId === id);
    };
    expect(await read('pending')).toMatchObject({
      transactionAmount: { amount: '1250.00', currency: 'EUR' },
      debtorName: 'Atelier Durand',
      debtorAccount: { iban: 'FR1420041010050500013M02606' },
      remittanceInformationUnstructured: 'Invoice 2026-118',
      remittanceInformationStructured: { reference: 'RF18539007547034', referenceType: 'SCOR' },
    });
    expect((await send('POST', `/transactions/${id}/book`)).json).toEqual({
      id,
      status: 'booked',
      bookingDate: '2026-11-25',
    });
    expect(await read('pending')).toBeUndefined();
    expect(await read('booked')).toMatchObject({ bookingDate: '2026-11-25' });
    expect((await send('POST', `/transactions/${id}/book`)).status).toBe(404);
  });

  it('refuses a line for an unknown IBAN, with a bad amount or a bad counterparty IBAN', async () => {
    expect((await send('POST', '/accounts/DE00000000000000000000/transactions', { amount: '1.00' })).status).toBe(404);
    const { accounts } = await firstAccountIban();
    expect((await send('POST', `/accounts/${accounts}/transactions`, { amount: '1.005' })).status).toBe(400);
    expect((await send('POST', `/accounts/${accounts}/transactions`, { amount: '0' })).status).toBe(400);
    expect(
      (await send('POST', `/accounts/${accounts}/transactions`, { amount: '-5', counterpartyIban: 'FR00' })).status,
    ).toBe(400);
  });

  it('advances the sandbox clock, never backwards', async () => {
    expect((await send('POST', '/clock', { advanceDays: 2, advanceSeconds: 60 })).json).toEqual({
      now: '2026-11-27T12:01:00.000Z',
      offsetSeconds: 2 * 86_400 + 60,
    });
    expect((await send('GET', '/clock')).json).toMatchObject({ now: '2026-11-27T12:01:00.000Z' });
    expect((await send('POST', '/clock', { advanceSeconds: -1 })).status).toBe(400);
  });

  it('expires a Berlin Group consent by id and revokes every STET grant of a PSU', async () => {
    const bg = `${sandbox.root}/berlin-group`;
    const consentId = await connectBerlinGroup(bg);
    expect((await send('POST', `/banks/berlin-group/consents/${consentId}/expire`)).json).toEqual({
      ended: 1,
      status: 'expired',
    });
    const status = await http(`${bg}/v1/consents/${consentId}/status`, { headers: bgHeaders() });
    expect(status.json).toEqual({ consentStatus: 'expired' });
    expect((await send('POST', `/banks/berlin-group/consents/${consentId}/revoke`)).status).toBe(404);

    const stet = `${sandbox.root}/stet`;
    const tokens = await connectStet(stet, 'bob');
    expect((await send('POST', '/banks/stet/psus/bob/consents/revoke')).json).toEqual({ ended: 1, status: 'revoked' });
    const refused = await http(`${stet}/accounts`, { headers: stetHeaders(tokens.access_token) });
    expect([refused.status, refused.text]).toEqual([401, expect.stringContaining('revoked')]);
  });

  async function firstAccountIban(): Promise<{ accounts: string }> {
    const bank = `${sandbox.root}/berlin-group`;
    const consentId = await connectBerlinGroup(bank);
    const list = await http(`${bank}/v1/accounts`, {
      headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
    });
    return { accounts: (list.json as { accounts: { iban: string }[] }).accounts[0].iban };
  }
});
