import type { AddressInfo } from 'node:net';
import { SANDBOX_BANKS, createSandbox } from './index';
import { http } from '../../test/support/sandbox-server';

describe('createSandbox', () => {
  it('lists three banks with what the gateway needs to seed its institutions', () => {
    expect(SANDBOX_BANKS.map((b) => [b.slug, b.name, b.country, b.standard])).toEqual([
      ['berlin-group', 'Sandbox Berlin Group Bank', 'DE', 'BERLIN_GROUP'],
      ['stet', 'Sandbox STET Bank', 'FR', 'STET'],
      ['flaky', 'Sandbox Unreliable Bank', 'NL', 'BERLIN_GROUP'],
    ]);
    for (const bank of SANDBOX_BANKS) {
      expect(bank.bic).toMatch(/^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/);
      expect([bank.maxConsentDays, bank.maxHistoryDays]).toEqual([180, 730]);
    }
  });

  it('builds links from the request when listening on its own, without a mount path', async () => {
    const { app } = createSandbox({ now: () => new Date('2026-11-25T12:00:00Z') });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const index = (await http(`${root}/`)).json as { banks: { slug: string; baseUrl: string }[] };
      expect(index.banks.map((b) => b.baseUrl)).toEqual([`${root}/berlin-group`, `${root}/stet`, `${root}/flaky`]);
      const created = await http(`${root}/berlin-group/v1/consents`, {
        method: 'POST',
        headers: {
          'X-Request-ID': '5f1c3a4e-0000-4000-8000-000000000001',
          'TPP-Redirect-URI': 'https://tpp.example/cb',
        },
        json: {
          access: { allPsd2: 'allAccounts' },
          recurringIndicator: true,
          validUntil: '2027-01-01',
          frequencyPerDay: 4,
        },
      });
      expect((created.json as { _links: { scaRedirect: { href: string } } })._links.scaRedirect.href).toMatch(
        new RegExp(`^${root}/berlin-group/sca/consents/`),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
