import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import { decodeState, encodeState } from './sandbox-state';
import {
  bgHeaders,
  connectBerlinGroup,
  connectStet,
  http,
  startSandbox,
  stetHeaders,
} from '../../test/support/sandbox-server';

describe('the sandbox state file', () => {
  let dir: string;
  const now = () => new Date('2026-11-25T12:00:00Z');

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps dates, decimal amounts, maps and sets as they were', () => {
    const value = {
      at: new Date('2026-01-02T03:04:05.006Z'),
      amount: new Decimal('-12.30'),
      byId: new Map([['a', new Set(['x', 'y'])]]),
    };
    expect(decodeState(encodeState(value))).toEqual(value);
  });

  it('gives a restarted sandbox the consents, tokens, added lines and clock of the one before', async () => {
    const stateFile = path.join(dir, 'sandbox-state.json');
    const first = await startSandbox({ now, seed: 'state', stateFile, controlToken: 'state-control-token' });
    const consentId = await connectBerlinGroup(`${first.root}/berlin-group`);
    const tokens = await connectStet(`${first.root}/stet`);
    const headers = bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' });
    const [account] = (
      (await http(`${first.root}/berlin-group/v1/accounts`, { headers })).json as {
        accounts: { resourceId: string; iban: string }[];
      }
    ).accounts;
    const added = await http(`${first.root}/_control/accounts/${account.iban}/transactions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer state-control-token' },
      json: { amount: '-42.00', status: 'pending', counterpartyName: 'Imprimerie Lambert' },
    });
    const { id: lineId } = added.json as { id: string };
    first.control.advanceClock(60_000);
    first.saveState();
    await first.close();

    const second = await startSandbox({ now, seed: 'state', stateFile, controlToken: 'state-control-token' });
    try {
      const lines = await http(
        `${second.root}/berlin-group/v1/accounts/${account.resourceId}/transactions?bookingStatus=pending&dateFrom=2026-11-25`,
        { headers },
      );
      expect(
        (lines.json as { transactions: { pending: { transactionId: string }[] } }).transactions.pending.map(
          (line) => line.transactionId,
        ),
      ).toContain(lineId);
      expect((await http(`${second.root}/stet/accounts`, { headers: stetHeaders(tokens.access_token) })).status).toBe(
        200,
      );
      const clock = await http(`${second.root}/_control/clock`, {
        headers: { Authorization: 'Bearer state-control-token' },
      });
      expect(clock.json).toEqual({ now: '2026-11-25T12:01:00.000Z', offsetSeconds: 60 });
      // The access and the refresh token still share one grant: revoking through one ends the other.
      second.control.clearRequests();
      const revoked = await http(`${second.root}/_control/banks/stet/consents/${tokens.access_token}/revoke`, {
        method: 'POST',
        headers: { Authorization: 'Bearer state-control-token' },
      });
      expect(revoked.json).toEqual({ ended: 1, status: 'revoked' });
      const refreshed = await http(`${second.root}/stet/oauth/token`, {
        method: 'POST',
        form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string },
      });
      expect(refreshed.json).toMatchObject({ error: 'invalid_grant', error_description: 'access revoked by the PSU' });
    } finally {
      await second.close();
    }
  });
});
