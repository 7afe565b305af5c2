import {
  type RunningSandbox,
  STET_REDIRECT_URI,
  connectStet,
  http,
  startSandbox,
  stetHeaders,
  submitSca,
} from '../../test/support/sandbox-server';

describe('Sandbox STET Bank', () => {
  let sandbox: RunningSandbox;
  let bank: string;
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2026-11-25T12:00:00Z');
    sandbox = await startSandbox({ now: () => clock, seed: 'test' });
    bank = `${sandbox.root}/stet`;
  });
  afterEach(() => sandbox.close());

  const authorizeUrl = () =>
    `${bank}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'passerelle',
      redirect_uri: STET_REDIRECT_URI,
      scope: 'aisp',
      state: 'abc',
    }).toString()}`;

  it('shows the scope and validity on its authorisation page and returns a code with the state', async () => {
    const page = await http(authorizeUrl());
    expect(page.status).toBe(200);
    expect(page.text).toContain('aisp');
    expect(page.text).toContain('<th scope="row">Valid until</th><td>2027-05-24 (180 days)</td>');
    expect(page.text).toContain('<th scope="row">Transaction history</th><td>the last 90 days</td>');
    const approved = await submitSca(authorizeUrl());
    expect(approved.status).toBe(302);
    const location = new URL(approved.location as string);
    expect(location.searchParams.get('flow')).toBe('1');
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('shows and applies the validity and history the third party asked for, not its maximum', async () => {
    const asked = `${authorizeUrl().replace('scope=aisp', 'scope=aisp+extended_transaction_history')}&valid_until=2026-12-25&history_days=400`;
    const page = await http(asked);
    expect(page.text).toContain('<th scope="row">Valid until</th><td>2026-12-25 (30 days)</td>');
    expect(page.text).toContain('<th scope="row">Transaction history</th><td>the last 400 days</td>');
    expect(page.text).not.toContain('180 days');
    expect((await http(`${authorizeUrl()}&history_days=400`)).text).toContain('the last 90 days');

    const approved = await submitSca(asked);
    const code = new URL(approved.location as string).searchParams.get('code') as string;
    const form = { grant_type: 'authorization_code', code, redirect_uri: STET_REDIRECT_URI, client_id: 'passerelle' };
    const { refresh_token: refreshToken } = (await http(`${bank}/oauth/token`, { method: 'POST', form })).json as {
      refresh_token: string;
    };
    const renew = () =>
      http(`${bank}/oauth/token`, {
        method: 'POST',
        form: { grant_type: 'refresh_token', refresh_token: refreshToken },
      });
    clock = new Date('2026-12-25T23:00:00Z');
    expect((await renew()).status).toBe(200);
    clock = new Date('2026-12-26T00:00:01Z');
    expect((await renew()).json).toMatchObject({ error: 'invalid_grant', error_description: 'consent expired' });
  });

  it('redirects a denial with error=access_denied and the state', async () => {
    const denied = await submitSca(authorizeUrl(), { decision: 'deny' });
    const location = new URL(denied.location as string);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('abc');
  });

  it('exchanges a code once, and answers RFC 6749 errors for a reused code or an unknown grant type', async () => {
    const approved = await submitSca(authorizeUrl());
    const code = new URL(approved.location as string).searchParams.get('code') as string;
    const form = { grant_type: 'authorization_code', code, redirect_uri: STET_REDIRECT_URI, client_id: 'passerelle' };
    const first = await http(`${bank}/oauth/token`, { method: 'POST', form });
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'aisp' });
    const again = await http(`${bank}/oauth/token`, { method: 'POST', form });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: 'invalid_grant' });
    const unknown = await http(`${bank}/oauth/token`, { method: 'POST', form: { grant_type: 'password' } });
    expect(unknown.json).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('refreshes an expired access token with the refresh token', async () => {
    const tokens = await connectStet(bank);
    clock = new Date(clock.getTime() + 2 * 3600_000);
    const expired = await http(`${bank}/accounts`, { headers: stetHeaders(tokens.access_token) });
    expect(expired.status).toBe(401);
    const refreshed = await http(`${bank}/oauth/token`, {
      method: 'POST',
      form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: 'passerelle' },
    });
    const accounts = await http(`${bank}/accounts`, {
      headers: stetHeaders((refreshed.json as { access_token: string }).access_token),
    });
    expect(accounts.status).toBe(200);
  });

  it('lists accounts and pages transactions with dateTo exclusive', async () => {
    const tokens = await connectStet(bank);
    const accounts = (await http(`${bank}/accounts`, { headers: stetHeaders(tokens.access_token) })).json as {
      accounts: { resourceId: string; accountId: { iban: string } }[];
    };
    expect(accounts.accounts).toHaveLength(3);
    const id = accounts.accounts[0].resourceId;
    let url: string | undefined = `${bank}/accounts/${id}/transactions?dateFrom=2026-01-01&dateTo=2026-11-01`;
    const dates: string[] = [];
    let pages = 0;
    while (url) {
      const page = (await http(url, { headers: stetHeaders(tokens.access_token) })).json as {
        transactions: {
          bookingDate?: string;
          status: string;
          creditDebitIndicator: string;
          transactionAmount: { amount: string };
        }[];
        _links: { next?: { href: string } };
      };
      for (const t of page.transactions) {
        dates.push(t.bookingDate as string);
        expect(t.transactionAmount.amount).toMatch(/^\d+\.\d{2}$/);
      }
      pages += 1;
      url = page._links.next?.href;
    }
    expect(pages).toBeGreaterThan(3);
    expect(dates.every((d) => d >= '2026-01-01' && d < '2026-11-01')).toBe(true);
    expect(dates.some((d) => d.startsWith('2026-10-31'))).toBe(true);
  });

  it('refuses a token the PSU revoked at the bank, and its refresh', async () => {
    const tokens = await connectStet(bank);
    sandbox.control.setFaults('stet', { consentRevoked: true });
    const refused = await http(`${bank}/accounts`, { headers: stetHeaders(tokens.access_token) });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ status: 401, message: expect.stringContaining('revoked') });
    sandbox.control.resetFaults();
    const refresh = await http(`${bank}/oauth/token`, {
      method: 'POST',
      form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string },
    });
    expect(refresh.json).toMatchObject({ error: 'invalid_grant' });
  });
});
