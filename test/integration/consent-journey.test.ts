import {
  AccountsDocument,
  ConnectionsDocument,
  ConsentDocument,
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

describe.each([
  ['Berlin Group', 'Sandbox Berlin Group Bank', 'berlin-group'],
  ['STET', 'Sandbox STET Bank', 'stet'],
] as const)('the five-step consent journey at a %s bank', (_standard, bankName, slug) => {
  it('ends with the accounts visible through GraphQL, and after revocation no request reaches the bank', async () => {
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, bankName);

    expect(journey.callbackStatus).toBe(302);
    expect(`${journey.finalRedirect.origin}${journey.finalRedirect.pathname}`).toBe(REDIRECT_URI);
    expect(journey.finalRedirect.searchParams.get('status')).toBe('ACTIVE');
    expect(journey.finalRedirect.searchParams.get('consentId')).toBe(journey.consentId);

    const { body } = await gateway.graphql(ConnectionsDocument, {}, apiKey);
    const [connection] = body.data!.connections;
    expect(connection.institution.name).toBe(bankName);
    expect(connection.currentConsent).toMatchObject({
      id: journey.consentId,
      status: 'ACTIVE',
      scopes: ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'],
    });
    expect(connection.accounts.length).toBeGreaterThanOrEqual(2);
    for (const account of connection.accounts) {
      expect(account).toMatchObject({ currency: 'EUR', iban: expect.stringMatching(/^[A-Z]{2}\d{2}/) });
    }
    const accounts = await gateway.graphql(AccountsDocument, {}, apiKey);
    expect(accounts.body.data!.accounts.map((account) => account.institution.name)).toEqual(
      connection.accounts.map(() => bankName),
    );

    // The first sync runs in the background after step 5; let it finish so only what follows is counted.
    await gateway.jobs.whenIdle();
    // While the consent is active, the lifecycle sweep does ask the bank about it.
    gateway.sandbox!.clearRequests();
    await gateway.connections.sweep({ ownerId });
    expect(gateway.sandbox!.requests(slug).length).toBeGreaterThan(0);

    const revoked = await gateway.graphql(RevokeConsentDocument, { id: journey.consentId }, apiKey);
    expect(revoked.body.data!.revokeConsent).toMatchObject({ status: 'REVOKED', revokedAt: expect.any(String) });

    gateway.sandbox!.clearRequests();
    await gateway.connections.sweep({ ownerId });
    await gateway.graphql(ConnectionsDocument, {}, apiKey);
    expect(gateway.sandbox!.requests(slug)).toEqual([]);

    const after = await gateway.graphql(ConsentDocument, { id: journey.consentId }, apiKey);
    expect(after.body.data!.consent.status).toBe('REVOKED');
    // Revocation keeps the synced data unless purge was asked for.
    expect((await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts).toHaveLength(
      connection.accounts.length,
    );
  });

  it('leaves the consent REJECTED, with the reason, when the user denies at the bank', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, bankName, { decision: 'deny' });
    expect(journey.finalRedirect.searchParams.get('status')).toBe('REJECTED');
    const { body } = await gateway.graphql(ConsentDocument, { id: journey.consentId }, apiKey);
    expect(body.data!.consent).toMatchObject({
      status: 'REJECTED',
      statusReason: expect.stringMatching(/access_denied/),
    });
    expect((await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts).toEqual([]);
  });
});

describe('callbacks that cannot be trusted', () => {
  it('refuses a replayed callback, sends the browser back to the app with status=ERROR and leaves the consent as it was', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const replay = await fetch(journey.bankRedirect, { redirect: 'manual' });
    expect(replay.status).toBe(302);
    const back = new URL(replay.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      consentId: journey.consentId,
      status: 'ERROR',
      reason: 'this authorisation link was already used',
    });
    const { body } = await gateway.graphql(ConsentDocument, { id: journey.consentId }, apiKey);
    expect(body.data!.consent.status).toBe('ACTIVE');
  });

  it('refuses a callback with a state it never issued, activating nothing', async () => {
    const { apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const started = await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
      apiKey,
    );
    const forged = await fetch(`${gateway.url}/connections/callback?state=forged&consentId=whatever`, {
      redirect: 'manual',
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/matches no consent/);
    const { body } = await gateway.graphql(
      ConsentDocument,
      { id: started.body.data!.startConnection.consent.id },
      apiKey,
    );
    expect(body.data!.consent.status).toBe('PENDING_AUTHORISATION');
  });
});

describe('starting a connection', () => {
  it.each([
    [{ validForDays: 181 }, 'input.validForDays', /from 1 to 180/],
    [{ validForDays: 0 }, 'input.validForDays', /from 1 to 180/],
    [{ historyDays: 731 }, 'input.historyDays', /from 1 to 730/],
    [{ redirectUri: 'https://elsewhere.example/cb' }, 'input.redirectUri', /allow-list/],
    [{ redirectUri: 'http://127.0.0.1.attacker.example/cb' }, 'input.redirectUri', /allow-list/],
    [{ institutionId: '00000000-0000-0000-0000-000000000000' }, 'input.institutionId', /no institution/],
    [{ scopes: [] }, 'input.scopes', /at least one/],
  ])('refuses %j with BAD_USER_INPUT naming %s, and writes nothing', async (override, field, message) => {
    const { apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const input = { institutionId, validForDays: 90, historyDays: 90, redirectUri: REDIRECT_URI, ...override };
    const { body } = await gateway.graphql(StartConnectionDocument, { input }, apiKey);
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    expect(body.errors![0].message).toMatch(message);
    expect((await gateway.graphql(ConnectionsDocument, {}, apiKey)).body.data!.connections).toEqual([]);
  });

  it('asks for read-only scopes unless payments are asked for explicitly', async () => {
    const { apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox STET Bank');
    const { body } = await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 90, historyDays: 90, redirectUri: REDIRECT_URI } },
      apiKey,
    );
    expect(body.data!.startConnection.consent).toMatchObject({
      status: 'PENDING_AUTHORISATION',
      scopes: ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'],
    });
  });
});
