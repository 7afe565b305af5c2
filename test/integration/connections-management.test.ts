import {
  AccountsDocument,
  ConnectionsDocument,
  type ConsentScope,
  type ConsentStatus,
  DeleteConnectionDocument,
  RefreshConnectionDocument,
  RevokeConsentDocument,
  StartConnectionDocument,
} from '../generated/graphql';
import { connectSandbox, REDIRECT_URI, sandboxInstitutionId } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

async function connectionIdOf(apiKey: string, consentId: string): Promise<string> {
  const { body } = await gateway.graphql(ConnectionsDocument, {}, apiKey);
  return body.data!.connections.find((c) => c.consents.some((consent) => consent.id === consentId))!.id;
}

describe('connections(status)', () => {
  it('lists only the connections whose current consent has one of the given statuses', async () => {
    const { apiKey } = await gateway.makeOwner();
    const active = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const revoked = await connectSandbox(gateway, apiKey, 'Sandbox STET Bank');
    await gateway.graphql(RevokeConsentDocument, { id: revoked.consentId }, apiKey);
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox Unreliable Bank');
    await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
      apiKey,
    );

    const list = async (status?: ConsentStatus[]) =>
      (await gateway.graphql(ConnectionsDocument, { status }, apiKey)).body.data!.connections.map((c) => [
        c.institution.name,
        c.currentConsent!.status,
      ]);
    expect(await list()).toEqual([
      ['Sandbox Berlin Group Bank', 'ACTIVE'],
      ['Sandbox STET Bank', 'REVOKED'],
      ['Sandbox Unreliable Bank', 'PENDING_AUTHORISATION'],
    ]);
    expect(await list(['ACTIVE'])).toEqual([['Sandbox Berlin Group Bank', 'ACTIVE']]);
    expect(await list(['REVOKED', 'PENDING_AUTHORISATION'])).toEqual([
      ['Sandbox STET Bank', 'REVOKED'],
      ['Sandbox Unreliable Bank', 'PENDING_AUTHORISATION'],
    ]);
    expect(await list(['EXPIRED'])).toEqual([]);
    expect(active.finalRedirect.searchParams.get('status')).toBe('ACTIVE');
  });
});

describe('deleteConnection', () => {
  it('revokes a live consent at the bank first, then leaves the list while the synced accounts stay', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const connectionId = await connectionIdOf(apiKey, journey.consentId);
    const accountsBefore = (await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts;
    gateway.sandbox!.clearRequests();

    const { body } = await gateway.graphql(DeleteConnectionDocument, { id: connectionId }, apiKey);
    expect(body.errors).toBeUndefined();
    expect(body.data!.deleteConnection.currentConsent).toMatchObject({
      id: journey.consentId,
      status: 'REVOKED',
      statusReason: 'revoked by the owner',
    });
    expect(gateway.sandbox!.requests('berlin-group').map((r) => r.method)).toContain('DELETE');
    expect((await gateway.graphql(ConnectionsDocument, {}, apiKey)).body.data!.connections).toEqual([]);
    expect((await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts.map((a) => a.id)).toEqual(
      accountsBefore.map((a) => a.id),
    );
    const [audit] = await gateway.dataSource.query(
      `SELECT details FROM audit_event WHERE action = 'CONNECTION_DELETED' AND subject_id = $1`,
      [connectionId],
    );
    expect(audit.details).toEqual({ purge: false, revokedConsents: 1, purgedAccounts: 0 });
  });

  it('removes the accounts and their transactions too when asked to purge', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox STET Bank');
    await gateway.graphql(RevokeConsentDocument, { id: journey.consentId }, apiKey);
    const connectionId = await connectionIdOf(apiKey, journey.consentId);
    const accounts = (await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts;
    expect(accounts.length).toBeGreaterThan(0);

    const { body } = await gateway.graphql(DeleteConnectionDocument, { id: connectionId, purge: true }, apiKey);
    expect(body.data!.deleteConnection.currentConsent!.status).toBe('REVOKED');
    expect((await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts).toEqual([]);
    const [{ count }] = await gateway.dataSource.query(
      'SELECT count(*)::int AS count FROM transaction WHERE account_id = ANY($1)',
      [accounts.map((a) => a.id)],
    );
    expect(count).toBe(0);
  });

  it('answers NOT_FOUND for another owner’s connection, a deleted one or a malformed id, and changes nothing', async () => {
    const { apiKey } = await gateway.makeOwner();
    const stranger = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const connectionId = await connectionIdOf(apiKey, journey.consentId);
    for (const [id, key] of [
      [connectionId, stranger.apiKey],
      ['not-a-uuid', apiKey],
    ]) {
      const { body } = await gateway.graphql(DeleteConnectionDocument, { id, purge: true }, key);
      expect(body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    expect(
      (await gateway.graphql(ConnectionsDocument, { status: ['ACTIVE'] }, apiKey)).body.data!.connections,
    ).toHaveLength(1);
    await gateway.graphql(DeleteConnectionDocument, { id: connectionId }, apiKey);
    const again = await gateway.graphql(DeleteConnectionDocument, { id: connectionId }, apiKey);
    expect(again.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('refreshConnection', () => {
  it('refuses a revoked connection at once with CONSENT_REVOKED, without calling the bank', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const connectionId = await connectionIdOf(apiKey, journey.consentId);
    await gateway.graphql(RevokeConsentDocument, { id: journey.consentId }, apiKey);
    // The first sync, started by the journey, must be over before counting what reaches the bank.
    await gateway.jobs.whenIdle();
    gateway.sandbox!.clearRequests();
    const { body } = await gateway.graphql(RefreshConnectionDocument, { id: connectionId }, apiKey);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('revoked'),
      extensions: { code: 'CONSENT_REVOKED' },
    });
    expect(gateway.sandbox!.requests('berlin-group')).toEqual([]);
  });

  it('refuses a connection whose journey never finished with CONSENT_INVALID, and accepts an active one', async () => {
    const { apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox STET Bank');
    await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
      apiKey,
    );
    const [pending] = (await gateway.graphql(ConnectionsDocument, {}, apiKey)).body.data!.connections;
    const refused = await gateway.graphql(RefreshConnectionDocument, { id: pending.id }, apiKey);
    expect(refused.body.errors?.[0].extensions?.code).toBe('CONSENT_INVALID');

    const journey = await connectSandbox(gateway, apiKey, 'Sandbox STET Bank');
    const accepted = await gateway.graphql(
      RefreshConnectionDocument,
      { id: await connectionIdOf(apiKey, journey.consentId) },
      apiKey,
    );
    expect(accepted.body.errors).toBeUndefined();
  });
});

describe('the bank’s SCA page', () => {
  it.each([
    ['Sandbox STET Bank', 'the last 60 days'],
    ['Sandbox Berlin Group Bank', 'up to the last 730 days'],
  ])('shows %s’s user the scopes, the validity asked for and the history window', async (bankName, history) => {
    const { apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, bankName);
    const input = {
      institutionId,
      scopes: ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'] as ConsentScope[],
      validForDays: 30,
      historyDays: 60,
      redirectUri: REDIRECT_URI,
    };
    const started = await gateway.graphql(StartConnectionDocument, { input }, apiKey);
    const page = await (await fetch(started.body.data!.startConnection.authorisationUrl)).text();
    const rows = Object.fromEntries(
      [...page.matchAll(/<th scope="row">([^<]+)<\/th><td>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]),
    );
    expect(rows).toMatchObject({
      Access: expect.stringMatching(/Accounts, balances and transactions/),
      'Valid until': expect.stringMatching(/^\d{4}-\d{2}-\d{2} \(30 days\)$/),
      'Transaction history': history,
    });
  });
});
