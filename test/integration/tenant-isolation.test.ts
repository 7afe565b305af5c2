import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, print, type ExecutionResult, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiScope } from '../../src/modules/principals/api-scope';
import { walkScaForm } from '../../src/providers/testing/sandbox-harness';
import {
  AccountDocument,
  AccountsDocument,
  CompleteConnectionDocument,
  ConnectionsDocument,
  ConsentDocument,
  ConsentStatusChangedDocument,
  InstitutionsDocument,
  RenewConsentDocument,
  RevokeConsentDocument,
  StartConnectionDocument,
  ViewerDocument,
  type ConsentStatusChangedSubscription,
} from '../generated/graphql';
import { connectSandbox, REDIRECT_URI, sandboxInstitutionId } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * Issue 4: every owner's rows are reachable only through that owner. A first owner connects two banks; then callers
 * with no right to those rows try every root field of the schema on them, and each gets nothing and an error.
 */

let gateway: TestGateway;

interface Caller {
  id: string;
  apiKey: string;
}

/** What the first owner has, and every id or value of it that must never show up in another caller's answer. */
interface Victim extends Caller {
  readOnlyKey: Caller;
  activeConsentIds: string[];
  pendingConsentId: string;
  /** Where the bank sent the browser for the pending consent; not yet used. */
  pendingCallbackUrl: string;
  /** The callbacks of the two finished journeys, already used once. */
  usedCallbackUrls: string[];
  connectionIds: string[];
  accountIds: string[];
  ibans: string[];
}

let victim: Victim;
/** Callers with no right to the first owner's rows. Their keys are made in beforeAll; the names label the tests. */
const INTRUDERS = ['another owner', 'another owner’s read-only key', 'a lender'] as const;
const intruders = {} as Record<(typeof INTRUDERS)[number], Caller>;

const REFUSAL_CODE = /^(NOT_FOUND|FORBIDDEN)$/;

beforeAll(async () => {
  gateway = await startTestGateway();

  const owner = await gateway.makeOwner();
  const journeys = [
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank'),
    await connectSandbox(gateway, owner.apiKey, 'Sandbox STET Bank', { psuId: 'bob' }),
  ];
  for (const journey of journeys) expect(journey.finalRedirect.searchParams.get('status')).toBe('ACTIVE');

  // A third journey stopped just before step 5: its callback URL is live, the kind an attacker would want.
  const institutionId = await sandboxInstitutionId(gateway, owner.apiKey, 'Sandbox Berlin Group Bank');
  const started = await gateway.graphql(
    StartConnectionDocument,
    { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
    owner.apiKey,
  );
  const pending = started.body.data!.startConnection;
  const sca = await walkScaForm(pending.authorisationUrl, { psuId: 'alice' });
  expect(sca.location).toContain('state=');

  const { body } = await gateway.graphql(ConnectionsDocument, {}, owner.apiKey);
  const connections = body.data!.connections;
  const accounts = connections.flatMap((connection) => connection.accounts);
  expect(connections).toHaveLength(3);
  expect(accounts.length).toBeGreaterThanOrEqual(4);

  victim = {
    ...owner,
    readOnlyKey: await gateway.makeApiClient(owner.id, [ApiScope.READ]),
    activeConsentIds: journeys.map((journey) => journey.consentId),
    pendingConsentId: pending.consent.id,
    pendingCallbackUrl: sca.location!,
    usedCallbackUrls: journeys.map((journey) => journey.bankRedirect),
    connectionIds: connections.map((connection) => connection.id),
    accountIds: accounts.map((account) => account.id),
    ibans: accounts.map((account) => account.iban).filter((iban): iban is string => Boolean(iban)),
  };

  const other = await gateway.makeOwner();
  intruders['another owner'] = other;
  intruders['another owner’s read-only key'] = await gateway.makeApiClient(other.id, [ApiScope.READ]);
  intruders['a lender'] = await gateway.makeLender();

  before = await settledRowsOf(victim.id);
});
afterAll(() => gateway?.close());

let before: Awaited<ReturnType<typeof rowsOf>>;

/**
 * Every row the first owner has, in every table with an owner_id, as Postgres prints it: any change by another caller
 * shows as a difference.
 */
async function rowsOf(ownerId: string): Promise<Record<string, string[]>> {
  const tables = ((await gateway.dataSource.query(
    "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'owner_id' ORDER BY table_name",
  )) as Array<{ table_name: string }>).map((row) => row.table_name);
  expect(tables).toEqual(expect.arrayContaining(['connection', 'consent', 'account', 'audit_event', 'outbox_event']));
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    const found = (await gateway.dataSource.query(`SELECT t::text AS row FROM "${table}" t WHERE owner_id = $1 ORDER BY t::text`, [ownerId])) as Array<{ row: string }>;
    rows[table] = found.map(({ row }) => row);
  }
  return rows;
}

/**
 * The owner's rows once the owner's own background work (the first sync after a journey) has stopped changing them,
 * so that any later difference is someone else's doing.
 */
async function settledRowsOf(ownerId: string): Promise<Record<string, string[]>> {
  let previous = await rowsOf(ownerId);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = await rowsOf(ownerId);
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('the owner’s rows kept changing for 25 s');
}

function victimMarkers(): string[] {
  return [
    victim.id,
    ...victim.activeConsentIds,
    victim.pendingConsentId,
    ...victim.connectionIds,
    ...victim.accountIds,
    ...victim.ibans,
  ].map((marker) => marker.toLowerCase());
}

/** No id or IBAN of the first owner appears anywhere in the answer, in data or in error messages. */
function expectNothingOfVictim(answer: unknown): void {
  const text = JSON.stringify(answer).toLowerCase();
  expect(victimMarkers().filter((marker) => text.includes(marker))).toEqual([]);
}

/** The answer is an error that refuses (not found, or not allowed), with no data. */
function expectRefused(body: ExecutionResult<unknown>): void {
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.map((error) => error.extensions?.code)).toEqual([expect.stringMatching(REFUSAL_CODE)]);
  expectNothingOfVictim(body);
}

/** Ids nobody should be able to use: the first owner's real ones, guesses, and strings that are not ids at all. */
function guessedIds(): string[] {
  const realConsent = victim.activeConsentIds[0];
  return [
    randomUUID(),
    randomUUID(),
    '00000000-0000-0000-0000-000000000000',
    realConsent.toUpperCase(),
    `${realConsent} `,
    `${realConsent}0`,
    realConsent.replace(/-/g, ''),
    '-'.repeat(36),
    'f'.repeat(36),
    '',
    'not-an-id',
    "' OR '1'='1",
    '1',
  ];
}

const coveredRootFields = new Set<string>();

/**
 * One isolation case for a root field of the schema, run by each caller that has no right to the first owner's
 * rows. Declaring it records the field as covered (see the last test).
 */
function isolationCase(field: `${'Query' | 'Mutation' | 'Subscription'}.${string}`, name: string, run: (caller: Caller, callerName: string) => Promise<void>): void {
  coveredRootFields.add(field);
  describe(field, () => {
    it.each(INTRUDERS)(`${name} (%s)`, async (callerName) => {
      await run(intruders[callerName], callerName);
    });
  });
}

describe('callers with no right to an owner’s rows', () => {
  isolationCase('Query.viewer', 'viewer describes the caller, never the owner whose rows it tries', async (caller) => {
    const { body } = await gateway.graphql(ViewerDocument, {}, caller.apiKey);
    expect(body.data!.viewer.id).toBe(caller.id);
    expectNothingOfVictim(body);
  });

  isolationCase('Query.institutions', 'institutions is the public catalogue and carries nothing of any owner', async (caller) => {
    const { body } = await gateway.graphql(InstitutionsDocument, { first: 100 }, caller.apiKey);
    // A lender's key may or may not list banks; either way no owner's data comes with it.
    if (body.data) expect(body.data.institutions.edges.length).toBeGreaterThan(0);
    else expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expectNothingOfVictim(body);
  });

  isolationCase('Query.connections', 'connections lists none of the owner’s connections', async (caller) => {
    const { body } = await gateway.graphql(ConnectionsDocument, {}, caller.apiKey);
    if (body.data) {
      expect(body.data.connections.map((connection) => connection.id).filter((id) => victim.connectionIds.includes(id))).toEqual([]);
    } else {
      expectRefused(body);
    }
    expectNothingOfVictim(body);
  });

  isolationCase('Query.accounts', 'accounts lists none of the owner’s accounts', async (caller) => {
    const { body } = await gateway.graphql(AccountsDocument, {}, caller.apiKey);
    if (body.data) expect(body.data.accounts).toEqual([]);
    else expectRefused(body);
    expectNothingOfVictim(body);
  });

  isolationCase('Query.consent', 'consent(id) finds none of the owner’s consents, nor anything by a guessed or malformed id', async (caller) => {
    for (const id of [...victim.activeConsentIds, victim.pendingConsentId, ...victim.connectionIds, ...guessedIds()]) {
      const { body } = await gateway.graphql(ConsentDocument, { id }, caller.apiKey);
      expectRefused(body);
    }
  });

  isolationCase('Query.account', 'account(id) finds none of the owner’s accounts, nor anything by a guessed or malformed id', async (caller) => {
    for (const id of [...victim.accountIds, ...victim.connectionIds, ...guessedIds()]) {
      const { body } = await gateway.graphql(AccountDocument, { id }, caller.apiKey);
      expectRefused(body);
    }
  });

  isolationCase('Mutation.revokeConsent', 'revokeConsent(id) cannot revoke or purge the owner’s consents', async (caller) => {
    for (const id of [...victim.activeConsentIds, victim.pendingConsentId, ...guessedIds()]) {
      for (const purge of [false, true]) {
        const { body } = await gateway.graphql(RevokeConsentDocument, { id, purge }, caller.apiKey);
        expectRefused(body);
      }
    }
  });

  isolationCase('Mutation.renewConsent', 'renewConsent(id) cannot start a new authorisation on the owner’s connection', async (caller) => {
    for (const id of [...victim.activeConsentIds, victim.pendingConsentId, ...guessedIds()]) {
      const { body } = await gateway.graphql(RenewConsentDocument, { id, validForDays: 30 }, caller.apiKey);
      expectRefused(body);
    }
  });

  isolationCase('Mutation.completeConnection', 'completeConnection cannot finish the owner’s journey with the owner’s own callback URL', async (caller) => {
    for (const callbackUrl of [victim.pendingCallbackUrl, ...victim.usedCallbackUrls]) {
      const { body } = await gateway.graphql(CompleteConnectionDocument, { input: { callbackUrl } }, caller.apiKey);
      expectRefused(body);
    }
  });

  isolationCase('Mutation.startConnection', 'startConnection never adds to the owner’s connections, and a key without MANAGE_CONNECTIONS cannot use it', async (caller, callerName) => {
    const institutionId = await sandboxInstitutionId(gateway, victim.apiKey, 'Sandbox Berlin Group Bank');
    const { body } = await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
      caller.apiKey,
    );
    if (callerName === 'another owner') {
      // An owner may start its own connection; it is the caller's and invisible to the first owner.
      const own = body.data!.startConnection.consent.id;
      expect((await gateway.graphql(ConsentDocument, { id: own }, caller.apiKey)).body.data!.consent.id).toBe(own);
      expectRefused((await gateway.graphql(ConsentDocument, { id: own }, victim.apiKey)).body);
    } else {
      expectRefused(body);
    }
    expectNothingOfVictim(body);
  });
});

describe('the owner’s rows after every attempt', () => {
  it('are exactly as they were: connections, consents, accounts, audit trail and events', async () => {
    expect(await settledRowsOf(victim.id)).toEqual(before);
    for (const id of victim.activeConsentIds) {
      expect((await gateway.graphql(ConsentDocument, { id }, victim.apiKey)).body.data!.consent.status).toBe('ACTIVE');
    }
  });

  it('still let the owner finish the pending journey with the callback URL the others tried', async () => {
    const { body } = await gateway.graphql(CompleteConnectionDocument, { input: { callbackUrl: victim.pendingCallbackUrl } }, victim.apiKey);
    expect(body.data!.completeConnection).toMatchObject({ id: victim.pendingConsentId, status: 'ACTIVE' });
  });
});

describe('an owner’s read-only API key', () => {
  it('reads its owner’s connections and accounts, as READ allows', async () => {
    const { body } = await gateway.graphql(ConnectionsDocument, {}, victim.readOnlyKey.apiKey);
    expect(body.data!.connections.map((connection) => connection.id).sort()).toEqual([...victim.connectionIds].sort());
    const accounts = await gateway.graphql(AccountsDocument, {}, victim.readOnlyKey.apiKey);
    expect(accounts.body.data!.accounts.map((account) => account.id).sort()).toEqual(expect.arrayContaining(victim.accountIds));
  });

  it('cannot start a connection at all, not even a read-only one', async () => {
    const before = await settledRowsOf(victim.id);
    const institutionId = await sandboxInstitutionId(gateway, victim.readOnlyKey.apiKey, 'Sandbox STET Bank');
    for (const scopes of [undefined, ['ACCOUNTS'] as const, ['PAYMENTS'] as const]) {
      const { body } = await gateway.graphql(
        StartConnectionDocument,
        { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI, ...(scopes ? { scopes: [...scopes] } : {}) } },
        victim.readOnlyKey.apiKey,
      );
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    expect(await settledRowsOf(victim.id)).toEqual(before);
  });

  it('cannot revoke, renew or complete any of its owner’s consents', async () => {
    const before = await settledRowsOf(victim.id);
    const key = victim.readOnlyKey.apiKey;
    for (const id of victim.activeConsentIds) {
      expect((await gateway.graphql(RevokeConsentDocument, { id, purge: true }, key)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await gateway.graphql(RenewConsentDocument, { id }, key)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    for (const callbackUrl of victim.usedCallbackUrls) {
      expect((await gateway.graphql(CompleteConnectionDocument, { input: { callbackUrl } }, key)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await settledRowsOf(victim.id)).toEqual(before);
  });
});

describe('the PAYMENTS consent scope', () => {
  it('is refused to an owner’s API client that lacks INITIATE_PAYMENTS, and nothing is written', async () => {
    const owner = await gateway.makeOwner();
    const client = await gateway.makeApiClient(owner.id, [ApiScope.READ, ApiScope.MANAGE_CONNECTIONS]);
    const institutionId = await sandboxInstitutionId(gateway, client.apiKey, 'Sandbox STET Bank');
    for (const scopes of [['PAYMENTS'], ['ACCOUNTS', 'PAYMENTS']] as const) {
      const { body } = await gateway.graphql(
        StartConnectionDocument,
        { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI, scopes: [...scopes] } },
        client.apiKey,
      );
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    expect((await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections).toEqual([]);
    // The same client may still start a read-only consent: it is the scope that is refused, not the client.
    const readOnly = await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
      client.apiKey,
    );
    expect(readOnly.body.data!.startConnection.consent.scopes).toEqual(['ACCOUNTS', 'BALANCES', 'TRANSACTIONS']);
  });
});

/** A graphql-ws subscription that records everything it receives. */
function subscribeConsentStatus(apiKey: string) {
  const received: Array<FormattedExecutionResult<ConsentStatusChangedSubscription>> = [];
  let failure: unknown;
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const client: Client = createClient({
    url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
    retryAttempts: 0,
    on: { connected: () => connected() },
  });
  const ended = new Promise<void>((resolve) => {
    client.subscribe<ConsentStatusChangedSubscription>(
      { query: print(ConsentStatusChangedDocument), variables: { after: '0' } },
      {
        next: (result) => received.push(result as FormattedExecutionResult<ConsentStatusChangedSubscription>),
        error: (error) => {
          failure = error;
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { received, failure: () => failure, ready, ended, close: () => client.dispose() };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Subscription.consentStatusChanged', () => {
  coveredRootFields.add('Subscription.consentStatusChanged');

  it('delivers none of an owner’s consent events to other callers while that owner’s consent changes', async () => {
    // The owner's own read-only key listens too: it must see the change, so the others had the time to see it.
    const witness = subscribeConsentStatus(victim.readOnlyKey.apiKey);
    const others = Object.entries(intruders).map(([name, caller]) => ({ name, subscription: subscribeConsentStatus(caller.apiKey) }));
    try {
      await witness.ready;
      await Promise.all(others.map(({ subscription }) => subscription.ready));
      await until(() => witness.received.length > 0, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 300));

      const [revokedId] = victim.activeConsentIds;
      const revoked = await gateway.graphql(RevokeConsentDocument, { id: revokedId }, victim.apiKey);
      expect(revoked.body.data!.revokeConsent.status).toBe('REVOKED');
      await until(
        () => witness.received.some((event) => event.data?.consentStatusChanged.consent.id === revokedId && event.data.consentStatusChanged.consent.status === 'REVOKED'),
        5_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      for (const { name, subscription } of others) {
        const outcome = { caller: name, received: subscription.received, failure: subscription.failure() };
        expectNothingOfVictim(outcome);
        if (name === 'a lender') {
          // A lender acts for no owner: the subscription itself is refused.
          const errors = subscription.received.flatMap((event) => event.errors ?? []);
          const failure = subscription.failure() as Array<{ extensions?: { code?: string } }> | undefined;
          expect([...errors, ...(Array.isArray(failure) ? failure : [])].map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
          expect(subscription.received.filter((event) => event.data)).toEqual([]);
        } else {
          expect(subscription.failure()).toBeUndefined();
          expect(subscription.received.flatMap((event) => event.errors ?? [])).toEqual([]);
        }
      }
    } finally {
      await witness.close();
      await Promise.all(others.map(({ subscription }) => subscription.close()));
    }
  });
});

describe('this suite', () => {
  it('has an isolation case for every query, mutation and subscription in schema/schema.graphql', () => {
    const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    expect(rootFields.length).toBeGreaterThan(0);
    expect(rootFields.filter((field) => !coveredRootFields.has(field))).toEqual([]);
    expect([...coveredRootFields].filter((field) => !rootFields.includes(field))).toEqual([]);
  });
});
