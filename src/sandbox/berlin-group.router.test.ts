import {
  type RunningSandbox,
  bgHeaders,
  connectBerlinGroup,
  http,
  startSandbox,
  submitSca,
} from '../../test/support/sandbox-server';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('Sandbox Berlin Group Bank', () => {
  let sandbox: RunningSandbox;
  let bank: string;
  let clock: Date;

  beforeEach(async () => {
    clock = NOW;
    sandbox = await startSandbox({ now: () => clock, seed: 'test' });
    bank = `${sandbox.root}/berlin-group`;
  });
  afterEach(() => sandbox.close());

  async function createConsent(headers: Record<string, string> = {}) {
    return http(`${bank}/v1/consents`, {
      method: 'POST',
      headers: bgHeaders({ 'TPP-Redirect-URI': 'https://tpp.example/cb?session=42', ...headers }),
      json: {
        access: { allPsd2: 'allAccounts' },
        recurringIndicator: true,
        validUntil: '9999-12-31',
        frequencyPerDay: 4,
      },
    });
  }

  it('creates a consent whose SCA link points at the bank under the mount path', async () => {
    const created = await createConsent();
    expect(created.status).toBe(201);
    const body = created.json as {
      consentStatus: string;
      consentId: string;
      _links: { scaRedirect: { href: string } };
    };
    expect(body.consentStatus).toBe('received');
    expect(body._links.scaRedirect.href).toMatch(new RegExp(`^${bank}/sca/consents/[0-9a-f-]{36}$`));
    // The link names the authorisation: the consent id is the credential of every AIS call, never in a browser URL.
    expect(body._links.scaRedirect.href).not.toContain(body.consentId);
  });

  it('refuses a consent without X-Request-ID or without TPP-Redirect-URI', async () => {
    const noRequestId = await http(`${bank}/v1/consents`, { method: 'POST', json: {} });
    expect(noRequestId.status).toBe(400);
    const noRedirect = await http(`${bank}/v1/consents`, {
      method: 'POST',
      headers: bgHeaders(),
      json: {
        access: { allPsd2: 'allAccounts' },
        recurringIndicator: true,
        validUntil: '9999-12-31',
        frequencyPerDay: 4,
      },
    });
    expect(noRedirect.status).toBe(400);
    expect(noRedirect.json).toMatchObject({ tppMessages: [{ category: 'ERROR', code: 'FORMAT_ERROR' }] });
  });

  it('shows the scopes and validity on the SCA page and redirects with the consent id after approval', async () => {
    const created = (await createConsent()).json as { consentId: string; _links: { scaRedirect: { href: string } } };
    const page = await http(created._links.scaRedirect.href);
    expect(page.text).toContain('<form method="post"');
    for (const name of ['psuId', 'password', 'otp', 'decision']) expect(page.text).toContain(`name="${name}"`);
    expect(page.text).toContain('Accounts, balances and transactions of all accounts');
    expect(page.text).toContain('<th scope="row">Valid until</th><td>2027-05-24 (180 days)</td>');
    expect(page.text).toContain('<th scope="row">Transaction history</th><td>up to the last 730 days</td>');

    const approved = await submitSca(created._links.scaRedirect.href);
    expect(approved.status).toBe(302);
    expect(approved.location).toBe(`https://tpp.example/cb?session=42&consentId=${created.consentId}`);
    const status = await http(`${bank}/v1/consents/${created.consentId}/status`, { headers: bgHeaders() });
    expect(status.json).toEqual({ consentStatus: 'valid' });
  });

  it('re-shows the form with an error on a wrong one-time code', async () => {
    const created = (await createConsent()).json as { _links: { scaRedirect: { href: string } } };
    const wrong = await submitSca(created._links.scaRedirect.href, { otp: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong one-time code');
    expect(wrong.text).toContain('<form method="post"');
  });

  it('sends a denial to the Nok redirect URI and reads the consent as rejected', async () => {
    const created = (await createConsent({ 'TPP-Nok-Redirect-URI': 'https://tpp.example/nok' })).json as {
      consentId: string;
      _links: { scaRedirect: { href: string } };
    };
    const denied = await submitSca(created._links.scaRedirect.href, { decision: 'deny' });
    expect(denied.location).toBe(`https://tpp.example/nok?consentId=${created.consentId}&error=access_denied`);
    const status = await http(`${bank}/v1/consents/${created.consentId}/status`, { headers: bgHeaders() });
    expect(status.json).toEqual({ consentStatus: 'rejected' });
  });

  it('lists the PSU accounts with balances when asked withBalance', async () => {
    const consentId = await connectBerlinGroup(bank);
    const list = await http(`${bank}/v1/accounts?withBalance=true`, {
      headers: bgHeaders({ 'Consent-ID': consentId }),
    });
    expect(list.status).toBe(200);
    const accounts = (list.json as { accounts: { cashAccountType: string; balances: unknown[] }[] }).accounts;
    expect(accounts.map((a) => a.cashAccountType)).toEqual(['CACC', 'CACC', 'SVGS']);
    expect(accounts[0].balances.length).toBeGreaterThan(2);
  });

  it('pages booked and pending transactions with next links until the end', async () => {
    const consentId = await connectBerlinGroup(bank);
    const headers = bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.10' });
    const list = (await http(`${bank}/v1/accounts`, { headers })).json as { accounts: { resourceId: string }[] };
    let url: string | undefined =
      `${bank}/v1/accounts/${list.accounts[0].resourceId}/transactions?bookingStatus=both&dateFrom=2025-11-25&dateTo=2026-11-25`;
    let pages = 0;
    let booked = 0;
    let pending = 0;
    while (url) {
      const page = await http(url, { headers });
      expect(page.status).toBe(200);
      const report = (
        page.json as { transactions: { booked: unknown[]; pending: unknown[]; _links: { next?: { href: string } } } }
      ).transactions;
      booked += report.booked.length;
      pending += report.pending.length;
      pages += 1;
      url = report._links.next?.href;
    }
    expect(pages).toBeGreaterThan(5);
    expect(booked).toBeGreaterThan(300);
    expect(pending).toBeGreaterThan(0);
  });

  it('answers the same transactions from two sandboxes with the same seed and clock', async () => {
    const twin = await startSandbox({ now: () => clock, seed: 'test' });
    try {
      const read = async (bankUrl: string) => {
        const consentId = await connectBerlinGroup(bankUrl);
        const headers = bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' });
        const list = (await http(`${bankUrl}/v1/accounts`, { headers })).json as { accounts: { resourceId: string }[] };
        const page = await http(
          `${bankUrl}/v1/accounts/${list.accounts[0].resourceId}/transactions?bookingStatus=both&dateFrom=2026-10-01`,
          {
            headers,
          },
        );
        return page.text.replaceAll(bankUrl, '');
      };
      expect(await read(`${twin.root}/berlin-group`)).toBe(await read(bank));
    } finally {
      await twin.close();
    }
  });

  describe('PSD2 unattended access limit', () => {
    async function firstAccount(consentId: string): Promise<string> {
      const list = await http(`${bank}/v1/accounts`, {
        headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
      });
      return (list.json as { accounts: { resourceId: string }[] }).accounts[0].resourceId;
    }
    const balances = (consentId: string, accountId: string, psuPresent = false) =>
      http(`${bank}/v1/accounts/${accountId}/balances`, {
        headers: bgHeaders({ 'Consent-ID': consentId, ...(psuPresent ? { 'PSU-IP-Address': '192.0.2.1' } : {}) }),
      });

    it('refuses the fifth unattended read of the day with 429 ACCESS_EXCEEDED', async () => {
      const consentId = await connectBerlinGroup(bank, { frequencyPerDay: 4 });
      const accountId = await firstAccount(consentId);
      for (let i = 0; i < 4; i += 1) expect((await balances(consentId, accountId)).status).toBe(200);
      const refused = await balances(consentId, accountId);
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ tppMessages: [{ category: 'ERROR', code: 'ACCESS_EXCEEDED' }] });
      expect(refused.headers.get('retry-after')).toBe(String(12 * 3600));
    });

    it('does not count reads made with the PSU present', async () => {
      const consentId = await connectBerlinGroup(bank, { frequencyPerDay: 1 });
      const accountId = await firstAccount(consentId);
      for (let i = 0; i < 5; i += 1) expect((await balances(consentId, accountId, true)).status).toBe(200);
      expect((await balances(consentId, accountId)).status).toBe(200);
      expect((await balances(consentId, accountId)).status).toBe(429);
    });

    it('counts per account and resource, and starts again on the next UTC day', async () => {
      const consentId = await connectBerlinGroup(bank, { frequencyPerDay: 1 });
      const accountId = await firstAccount(consentId);
      expect((await balances(consentId, accountId)).status).toBe(200);
      expect((await balances(consentId, accountId)).status).toBe(429);
      const transactions = await http(
        `${bank}/v1/accounts/${accountId}/transactions?bookingStatus=booked&dateFrom=2026-11-01`,
        {
          headers: bgHeaders({ 'Consent-ID': consentId }),
        },
      );
      expect(transactions.status).toBe(200);
      clock = new Date('2026-11-26T00:00:01Z');
      expect((await balances(consentId, accountId)).status).toBe(200);
    });

    it('forgets the counts when the test resets them', async () => {
      const consentId = await connectBerlinGroup(bank, { frequencyPerDay: 1 });
      const accountId = await firstAccount(consentId);
      await balances(consentId, accountId);
      expect((await balances(consentId, accountId)).status).toBe(429);
      sandbox.control.resetAccessCounters();
      expect((await balances(consentId, accountId)).status).toBe(200);
    });

    it('lets an unattended sync follow every next link as one access', async () => {
      const consentId = await connectBerlinGroup(bank, { frequencyPerDay: 1 });
      const accountId = await firstAccount(consentId);
      let url: string | undefined =
        `${bank}/v1/accounts/${accountId}/transactions?bookingStatus=both&dateFrom=2025-11-25`;
      let pages = 0;
      while (url) {
        const page = await http(url, { headers: bgHeaders({ 'Consent-ID': consentId }) });
        expect(page.status).toBe(200);
        pages += 1;
        url = (page.json as { transactions: { _links: { next?: { href: string } } } }).transactions._links.next?.href;
      }
      expect(pages).toBeGreaterThan(1);
    });
  });

  describe('consent access kinds', () => {
    it('gives availableAccounts the account list only', async () => {
      const consentId = await connectBerlinGroup(bank, { access: { availableAccounts: 'allAccounts' } });
      const headers = bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' });
      const list = (await http(`${bank}/v1/accounts?withBalance=true`, { headers })).json as {
        accounts: { resourceId: string; balances?: unknown }[];
      };
      expect(list.accounts.length).toBe(3);
      expect(list.accounts[0].balances).toBeUndefined();
      const refused = await http(`${bank}/v1/accounts/${list.accounts[0].resourceId}/balances`, { headers });
      expect(refused.status).toBe(401);
    });

    it('gives availableAccountsWithBalance balances but no transactions', async () => {
      const consentId = await connectBerlinGroup(bank, { access: { availableAccountsWithBalance: 'allAccounts' } });
      const headers = bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' });
      const list = (await http(`${bank}/v1/accounts`, { headers })).json as { accounts: { resourceId: string }[] };
      const id = list.accounts[0].resourceId;
      expect((await http(`${bank}/v1/accounts/${id}/balances`, { headers })).status).toBe(200);
      const refused = await http(`${bank}/v1/accounts/${id}/transactions?bookingStatus=booked&dateFrom=2026-11-01`, {
        headers,
      });
      expect(refused.status).toBe(401);
    });

    it('limits explicit access to the IBANs the consent names', async () => {
      const all = await connectBerlinGroup(bank);
      const headers = bgHeaders({ 'Consent-ID': all, 'PSU-IP-Address': '192.0.2.1' });
      const accounts = ((await http(`${bank}/v1/accounts`, { headers })).json as { accounts: { iban: string }[] })
        .accounts;
      const one = await connectBerlinGroup(bank, { access: { transactions: [{ iban: accounts[1].iban }] } });
      const listed = (
        await http(`${bank}/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': one, 'PSU-IP-Address': '192.0.2.1' }) })
      ).json as {
        accounts: { iban: string }[];
      };
      expect(listed.accounts.map((a) => a.iban)).toEqual([accounts[1].iban]);
    });

    it('caps validUntil at 180 days and refuses a consent that is not yet authorised', async () => {
      const created = (await createConsent()).json as { consentId: string };
      const consent = (await http(`${bank}/v1/consents/${created.consentId}`, { headers: bgHeaders() })).json as {
        validUntil: string;
      };
      expect(consent.validUntil).toBe('2027-05-24');
      const early = await http(`${bank}/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': created.consentId }) });
      expect(early.status).toBe(401);
    });

    it('stops serving a consent the TPP deleted', async () => {
      const consentId = await connectBerlinGroup(bank);
      expect((await http(`${bank}/v1/consents/${consentId}`, { method: 'DELETE', headers: bgHeaders() })).status).toBe(
        204,
      );
      const status = await http(`${bank}/v1/consents/${consentId}/status`, { headers: bgHeaders() });
      expect(status.json).toEqual({ consentStatus: 'terminatedByTpp' });
      expect((await http(`${bank}/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': consentId }) })).status).toBe(401);
    });
  });
});
