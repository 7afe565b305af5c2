import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import WebSocket from 'ws';
import {
  AccountsDocument,
  ConnectionsDocument,
  CreateConnectLinkDocument,
  InstitutionsDocument,
  RevokeConsentDocument,
  StartConnectionDocument,
  TransactionsDocument,
} from '../generated/graphql';
import { REDIRECT_URI, connectSandbox, sandboxInstitutionId } from '../support/journey';
import { walkScaForm } from '../support/sandbox-harness';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;
let clock = new Date();

beforeAll(async () => {
  gateway = await startTestGateway({ now: () => clock });
});
afterAll(() => gateway?.close());
afterEach(() => {
  clock = new Date();
});

const LINK_REDIRECT = 'http://127.0.0.1:9/frontend/connected';

/** A GraphQL call authorised by a connect link, as the web app makes it. */
async function asLink<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token: string,
): Promise<{ status: number; body: ExecutionResult<TResult> }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `ConnectLink ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, body: (await response.json()) as ExecutionResult<TResult> };
}

async function makeLink(apiKey: string, institutionId?: string) {
  const { body } = await gateway.graphql(
    CreateConnectLinkDocument,
    { redirectUri: LINK_REDIRECT, institutionId },
    apiKey,
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  const url = new URL(body.data.createConnectLink.url);
  return {
    url,
    token: url.searchParams.get('link')!,
    expiresAt: new Date(String(body.data.createConnectLink.expiresAt)),
  };
}

function startInput(institutionId: string, redirectUri = LINK_REDIRECT) {
  return { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri } };
}

function codes(body: ExecutionResult<unknown>): unknown[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

describe('a connect link', () => {
  it('opens the web app’s connect screen, connects a bank for its owner once, and sends the user to its redirectUri', async () => {
    const owner = await gateway.makeOwner();
    const bankId = await sandboxInstitutionId(gateway, owner.apiKey, 'Sandbox Berlin Group Bank');
    const link = await makeLink(owner.apiKey, bankId);
    expect(`${link.url.origin}${link.url.pathname}`).toBe(`${gateway.url}/app/connect`);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.url.searchParams.get('redirect_uri')).toBe(LINK_REDIRECT);
    expect(link.url.searchParams.get('institution')).toBe(bankId);
    expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const banks = await asLink(InstitutionsDocument, { first: 5, search: 'Berlin' }, link.token);
    expect(banks.body.data!.institutions.edges.map((edge) => edge.node.id)).toContain(bankId);

    const started = await asLink(StartConnectionDocument, startInput(bankId), link.token);
    const { authorisationUrl, consent } = started.body.data!.startConnection;
    const sca = await walkScaForm(authorisationUrl, { psuId: 'alice', decision: 'approve' });
    const callback = await fetch(sca.location!, { redirect: 'manual' });
    const landed = new URL(callback.headers.get('location')!);
    expect(`${landed.origin}${landed.pathname}`).toBe(LINK_REDIRECT);
    expect(landed.searchParams.get('status')).toBe('ACTIVE');

    const connections = await gateway.graphql(ConnectionsDocument, {}, owner.apiKey);
    expect(connections.body.data!.connections.map((connection) => connection.currentConsent?.id)).toEqual([consent.id]);
    const [audit] = await gateway.dataSource.query(
      `SELECT principal_id, details FROM audit_event WHERE subject_id = $1 AND action = 'CONSENT_STARTED'`,
      [consent.id],
    );
    expect(audit).toMatchObject({ principal_id: owner.id, details: { connectLinkId: expect.any(String) } });

    const again = await asLink(StartConnectionDocument, startInput(bankId), link.token);
    expect(again.status).toBe(401);
    expect(again.body.errors![0]).toMatchObject({
      message: 'the connect link has already been used: ask for a new one',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await gateway.jobs.whenIdle();
    await gateway.graphql(RevokeConsentDocument, { id: consent.id }, owner.apiKey);
  });

  it('is refused on the WebSocket, where the journey has nothing to subscribe to', async () => {
    const owner = await gateway.makeOwner();
    const link = await makeLink(owner.apiKey);
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<[number, string]>((resolve) =>
      socket.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `ConnectLink ${link.token}` } }));
    expect(await closed).toEqual([4403, 'the Authorization header must read "Bearer <api key>"']);
  });

  it('is refused once expired', async () => {
    const owner = await gateway.makeOwner();
    const bankId = await sandboxInstitutionId(gateway, owner.apiKey, 'Sandbox STET Bank');
    const link = await makeLink(owner.apiKey);
    clock = new Date(link.expiresAt.getTime() + 1000);
    const { status, body } = await asLink(StartConnectionDocument, startInput(bankId), link.token);
    expect(status).toBe(401);
    expect(body.errors![0]).toMatchObject({
      message: 'the connect link has expired: ask for a new one',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect((await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections).toEqual([]);
  });

  it('cannot read its owner’s accounts or transactions, nor do anything but list banks and start its journey', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank');
    await gateway.jobs.whenIdle();
    const link = await makeLink(owner.apiKey);

    for (const [document, variables] of [
      [AccountsDocument, {}],
      [TransactionsDocument, { first: 10 }],
      [ConnectionsDocument, {}],
      [CreateConnectLinkDocument, { redirectUri: LINK_REDIRECT }],
    ] as const) {
      const { status, body } = await asLink(document as TypedDocumentNode<unknown, object>, variables, link.token);
      expect(status).toBe(403);
      expect(body.data).toBeUndefined();
      expect(codes(body)).toEqual(['FORBIDDEN']);
    }
    // Smuggling a forbidden field beside an allowed one is refused whole.
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `ConnectLink ${link.token}` },
      body: JSON.stringify({ query: '{ institutions(first: 1) { edges { node { id } } } accounts { id iban } }' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })],
    });
  });

  it('of another owner starts a journey for that owner only, back to that link’s redirectUri', async () => {
    const owner = await gateway.makeOwner();
    const other = await gateway.makeOwner();
    const bankId = await sandboxInstitutionId(gateway, owner.apiKey, 'Sandbox Berlin Group Bank');
    const link = await makeLink(other.apiKey, bankId);

    const elsewhere = await asLink(StartConnectionDocument, startInput(bankId, REDIRECT_URI), link.token);
    expect(elsewhere.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.redirectUri' });
    const otherBankId = await sandboxInstitutionId(gateway, owner.apiKey, 'Sandbox STET Bank');
    const otherBank = await asLink(StartConnectionDocument, startInput(otherBankId), link.token);
    expect(otherBank.body.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.institutionId',
    });

    const started = await asLink(StartConnectionDocument, startInput(bankId), link.token);
    expect(started.body.data!.startConnection.consent.status).toBe('PENDING_AUTHORISATION');
    expect((await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections).toEqual([]);
    expect((await gateway.graphql(ConnectionsDocument, {}, other.apiKey)).body.data!.connections).toHaveLength(1);
  });

  it('is refused for a redirectUri outside the allow-list, or a bank that does not exist, naming the field', async () => {
    const owner = await gateway.makeOwner();
    const cases = [
      [{ redirectUri: 'https://attacker.example/steal' }, 'redirectUri'],
      [{ redirectUri: 'not a url' }, 'redirectUri'],
      [{ redirectUri: LINK_REDIRECT, institutionId: '00000000-0000-4000-8000-000000000000' }, 'institutionId'],
      [{ redirectUri: LINK_REDIRECT, institutionId: 'nope' }, 'institutionId'],
    ] as const;
    for (const [variables, field] of cases) {
      const { body } = await gateway.graphql(CreateConnectLinkDocument, variables, owner.apiKey);
      expect(body.data).toBeNull();
      expect(body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('can only be made by a key that manages connections', async () => {
    const owner = await gateway.makeOwner();
    const readOnly = await gateway.makeApiClient(owner.id, ['READ' as never]);
    const { body } = await gateway.graphql(CreateConnectLinkDocument, { redirectUri: LINK_REDIRECT }, readOnly.apiKey);
    expect(codes(body)).toEqual(['FORBIDDEN']);
  });
});
