import {
  type RunningSandbox,
  STET_REDIRECT_URI,
  bgHeaders,
  connectBerlinGroup,
  http,
  startSandbox,
  submitSca,
} from '../../test/support/sandbox-server';

describe('the sandbox SCA pages hold as a bank’s would', () => {
  let sandbox: RunningSandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({
      now: () => new Date('2026-11-25T12:00:00Z'),
      seed: 'sca',
      controlToken: 'sca-control-token-1',
    });
  });
  afterEach(() => sandbox.close());

  async function createConsent(bank: string) {
    const created = await http(`${bank}/v1/consents`, {
      method: 'POST',
      headers: bgHeaders({ 'TPP-Redirect-URI': 'https://tpp.example/cb' }),
      json: {
        access: { allPsd2: 'allAccounts' },
        recurringIndicator: true,
        validUntil: '9999-12-31',
        frequencyPerDay: 4,
      },
    });
    return created.json as { consentId: string; _links: { scaRedirect: { href: string } } };
  }

  it('locks a consent’s page after five wrong one-time codes, even for the right code, and rejects the consent', async () => {
    const bank = `${sandbox.root}/berlin-group`;
    const { consentId, _links } = await createConsent(bank);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const wrong = await submitSca(_links.scaRedirect.href, { otp: '000000' });
      expect([wrong.status, wrong.text]).toEqual([401, expect.stringContaining('Wrong one-time code.')]);
    }
    const fifth = await submitSca(_links.scaRedirect.href, { otp: '000000' });
    expect([fifth.status, fifth.text]).toEqual([423, expect.stringContaining('Too many failed attempts')]);
    const right = await submitSca(_links.scaRedirect.href);
    expect([right.status, right.location]).toEqual([423, undefined]);
    expect((await http(`${bank}/v1/consents/${consentId}/status`, { headers: bgHeaders() })).json).toEqual({
      consentStatus: 'rejected',
    });
  });

  it('counts wrong passwords too, and keeps every other consent’s page open', async () => {
    const bank = `${sandbox.root}/berlin-group`;
    const locked = await createConsent(bank);
    for (let attempt = 1; attempt <= 5; attempt += 1)
      await submitSca(locked._links.scaRedirect.href, { password: 'guess' });
    expect((await http(locked._links.scaRedirect.href)).text).toContain('Too many failed attempts');
    const other = await createConsent(bank);
    expect((await submitSca(other._links.scaRedirect.href)).status).toBe(302);
  });

  it('locks a payment’s page after five wrong codes and rejects the payment', async () => {
    const bank = `${sandbox.root}/berlin-group`;
    const consentId = await connectBerlinGroup(bank);
    const { accounts } = (
      await http(`${bank}/v1/accounts`, {
        headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
      })
    ).json as { accounts: { iban: string }[] };
    const created = await http(`${bank}/v1/payments/sepa-credit-transfers`, {
      method: 'POST',
      headers: bgHeaders({ 'TPP-Redirect-URI': 'https://tpp.example/pay', 'PSU-IP-Address': '192.0.2.1' }),
      json: {
        instructedAmount: { currency: 'EUR', amount: '10.00' },
        debtorAccount: { iban: accounts[0].iban },
        creditorName: 'Papier & Co',
        creditorAccount: { iban: 'DE89370400440532013000' },
      },
    });
    const { paymentId, _links } = created.json as { paymentId: string; _links: { scaRedirect: { href: string } } };
    for (let attempt = 1; attempt <= 5; attempt += 1) await submitSca(_links.scaRedirect.href, { otp: '111111' });
    expect((await submitSca(_links.scaRedirect.href)).status).toBe(423);
    const status = await http(`${bank}/v1/payments/sepa-credit-transfers/${paymentId}/status`, {
      headers: bgHeaders(),
    });
    expect(status.json).toEqual({ transactionStatus: 'RJCT' });
  });

  it('serves no SCA page at the consent id: the link carries an authorisation id instead', async () => {
    const bank = `${sandbox.root}/berlin-group`;
    const { consentId, _links } = await createConsent(bank);
    expect((await http(`${bank}/sca/consents/${consentId}`)).status).toBe(404);
    expect((await http(_links.scaRedirect.href)).status).toBe(200);
  });

  describe('the STET authorization endpoint', () => {
    const authorize = (redirectUri: string, clientId = 'passerelle', state = 's1') =>
      `${sandbox.root}/stet/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'aisp', state })}`;

    it('refuses, without redirecting, a redirect URI the client did not register or a client it does not know', async () => {
      for (const url of [
        authorize('https://attacker.example/steal'),
        authorize(`${STET_REDIRECT_URI}&extra=1`),
        authorize(STET_REDIRECT_URI, 'someone-else'),
      ]) {
        const answer = await http(url);
        expect(answer.status).toBe(400);
        expect(answer.headers.get('location')).toBeNull();
        expect(answer.text).not.toContain('<form');
      }
      expect((await http(authorize(STET_REDIRECT_URI))).status).toBe(200);
    });

    it('accepts a redirect URI once registered through the control API', async () => {
      const uri = 'https://app.example/bank/callback';
      expect((await http(authorize(uri))).status).toBe(400);
      const registered = await http(`${sandbox.root}/_control/oauth-clients/passerelle`, {
        method: 'PUT',
        headers: { Authorization: 'Bearer sca-control-token-1' },
        json: { redirectUris: [uri] },
      });
      expect(registered.json).toEqual([STET_REDIRECT_URI, uri]);
      const approved = await submitSca(authorize(uri));
      expect(new URL(approved.location as string).origin).toBe('https://app.example');
    });

    it('locks an authorisation request after five wrong codes', async () => {
      for (let attempt = 1; attempt <= 4; attempt += 1)
        expect((await submitSca(authorize(STET_REDIRECT_URI), { otp: '999999' })).status).toBe(401);
      expect((await submitSca(authorize(STET_REDIRECT_URI), { otp: '999999' })).status).toBe(423);
      const right = await submitSca(authorize(STET_REDIRECT_URI));
      expect([right.status, right.location, right.text]).toEqual([
        423,
        undefined,
        expect.stringContaining('Too many failed attempts'),
      ]);
    });
  });
});
