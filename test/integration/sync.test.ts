import { Transaction } from '../../src/modules/transactions/transaction.entity';
import { ConnectionsDocument, RefreshConnectionDocument, TransactionsDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { eventually, settle, subscribe } from '../support/subscriptions';
import { startGatewayProcess } from '../support/gateway-process';
import { deleteRedisKeys } from '../support/services';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

/**
 * A clock the test moves forward, shared by the sync engine and the sandbox banks. It starts at 05:00 UTC today: which
 * sandbox lines are still pending depends on the hour (card lines book early in the morning), so a test run at any
 * hour sees the same pending lines instead of none just after the banks' booking run.
 */
function testClock() {
  const start = new Date();
  start.setUTCHours(5, 0, 0, 0);
  let offsetMs = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offsetMs), advanceDays: (days: number) => (offsetMs += days * 86_400_000) };
}

const clock = testClock();
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ now: clock.now });
});
afterAll(() => gateway?.close());

interface TransactionEventData {
  transactionAdded: { cursor: string; transaction: { id: string; status: string } };
}
/** The outbox's transaction events of a connection's owner, one row each, numbered as their cursors. */
const TRANSACTION_EVENTS = `SELECT count(*)::int AS count
    FROM outbox_batch b CROSS JOIN LATERAL json_array_elements(b.payloads) WITH ORDINALITY AS e(payload, position)
   WHERE b.topic = 'transaction' AND b.owner_id = (SELECT owner_id FROM connection WHERE id = $1)`;
const TRANSACTION_ADDED =
  'subscription($after: String) { transactionAdded(after: $after) { cursor transaction { id status } } }';

async function connectAndSync(bankName: string, psuId = 'alice') {
  const owner = await gateway.makeOwner();
  const journey = await connectSandbox(gateway, owner.apiKey, bankName, { psuId, validForDays: 180 });
  await gateway.jobs.whenIdle();
  const connection = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections[0];
  return { ...owner, journey, connection };
}

async function storedLines(ownerId: string) {
  return gateway.dataSource.getRepository(Transaction).find({ where: { ownerId } });
}

describe('the sync engine', () => {
  it('syncs the history window right after the journey, and a unified query returns every bank newest first', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
    await connectSandbox(gateway, owner.apiKey, 'Sandbox STET Bank', { validForDays: 180 });
    await gateway.jobs.whenIdle();

    const lines = await storedLines(owner.id);
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.status === 'PENDING')).toBe(true);

    const page = (await gateway.graphql(TransactionsDocument, { first: 100 }, owner.apiKey)).body.data!.transactions;
    const banks = new Set(page.edges.map((edge) => edge.node.account.institution.name));
    expect(banks).toEqual(new Set(['Sandbox Berlin Group Bank', 'Sandbox STET Bank']));
    const dates = page.edges.map((edge) => edge.node.date);
    expect(dates).toEqual([...dates].sort().reverse());
    // Money: EUR in its two minor-unit decimals, as every amount of the API.
    for (const edge of page.edges) expect(edge.node.amount).toMatch(/^-?\d+\.\d{2}$/);
  });

  it('pages through the unified list without skipping or repeating a line, and filters it', async () => {
    const { apiKey, id: ownerId } = await connectAndSync('Sandbox Berlin Group Bank');
    const total = (await storedLines(ownerId)).filter((line) => !line.removedAt).length;
    const seen = new Set<string>();
    let after: string | null | undefined;
    for (;;) {
      const page = (await gateway.graphql(TransactionsDocument, { first: 100, after }, apiKey)).body.data!.transactions;
      for (const edge of page.edges) seen.add(edge.node.id);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.size).toBe(total);

    const credits = (
      await gateway.graphql(
        TransactionsDocument,
        { first: 100, filter: { direction: 'CREDIT', minAmount: '100', maxAmount: '5000' } },
        apiKey,
      )
    ).body.data!.transactions;
    expect(credits.edges.length).toBeGreaterThan(0);
    for (const { node } of credits.edges) {
      expect(Number(node.amount)).toBeGreaterThanOrEqual(100);
      expect(Number(node.amount)).toBeLessThanOrEqual(5000);
    }
    const bad = await gateway.graphql(TransactionsDocument, { first: 10, filter: { minAmount: 'ten' } }, apiKey);
    expect(bad.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.minAmount' } });
  });

  it('keeps one transaction, with one id, when a pending line books (never two), and is idempotent', async () => {
    const { id: ownerId, connection } = await connectAndSync('Sandbox Berlin Group Bank');
    const before = await storedLines(ownerId);
    const pending = before.filter((line) => line.status === 'PENDING');
    expect(pending.length).toBeGreaterThan(0);

    clock.advanceDays(8);
    await gateway.sync.syncConnection(connection.id);
    const after = await storedLines(ownerId);
    for (const line of pending) {
      const same = after.find((row) => row.id === line.id)!;
      expect(same.removedAt === null ? same.status : 'REMOVED').not.toBe('PENDING');
    }
    const visible = after.filter((line) => !line.removedAt);
    const keys = visible.map((line) => `${line.accountId}|${line.providerTransactionId}|${line.amount}|${line.date}`);
    // Identical twins are allowed (two coffees), but a settled line must not coexist with its pending self.
    expect(visible.filter((line) => line.status === 'PENDING' && pending.some((old) => old.id === line.id))).toEqual(
      [],
    );
    expect(new Set(visible.map((line) => line.id)).size).toBe(visible.length);
    expect(keys.length).toBeGreaterThanOrEqual(before.length - pending.length);

    const again = await gateway.sync.syncConnection(connection.id);
    expect(again).toMatchObject({ state: 'SUCCEEDED', added: 0, settled: 0, modified: 0, removed: 0 });
  });

  it('streams progress of a refresh the owner asked for', async () => {
    const { apiKey, connection } = await connectAndSync('Sandbox STET Bank');
    const progress = subscribe<{ syncProgress: { state: string; accountsDone: number; accountsTotal: number } }>(
      gateway.url,
      apiKey,
      'subscription($id: ID) { syncProgress(connectionId: $id) { state accountsDone accountsTotal } }',
      { id: connection.id },
    );
    await settle();
    const refreshed = await gateway.graphql(RefreshConnectionDocument, { id: connection.id }, apiKey);
    expect(refreshed.body.data!.refreshConnection.connectionId).toBe(connection.id);
    await eventually(() => expect(progress.received.at(-1)?.syncProgress.state).toBe('SUCCEEDED'));
    const states = progress.received.map((event) => event.syncProgress);
    expect(states[0]).toMatchObject({ state: 'RUNNING', accountsDone: 0 });
    expect(states.at(-1)!.accountsDone).toBe(states.at(-1)!.accountsTotal);
    progress.close();
  });

  it('reports a failed sync with the bank’s typed error', async () => {
    const { apiKey, connection } = await connectAndSync('Sandbox Unreliable Bank');
    gateway.sandbox!.setFaults('flaky', { serverError: 'always' });
    try {
      const result = await gateway.sync.syncConnection(connection.id);
      expect(result).toMatchObject({ state: 'FAILED', error: { code: 'PROVIDER_UNAVAILABLE' } });
    } finally {
      gateway.sandbox!.resetFaults();
    }
    expect((await gateway.graphql(TransactionsDocument, { first: 1 }, apiKey)).body.errors).toBeUndefined();
  });
});

describe('transactionAdded', () => {
  it('gives a subscriber that reconnects with its last cursor every event exactly once', async () => {
    const { apiKey, connection } = await connectAndSync('Sandbox Berlin Group Bank');
    const first = subscribe<TransactionEventData>(gateway.url, apiKey, TRANSACTION_ADDED, { after: '0' });
    const { count } = (
      await gateway.dataSource.query(`${TRANSACTION_EVENTS} AND e.payload->>'kind' = 'ADDED'`, [connection.id])
    )[0];
    await eventually(() => expect(first.received).toHaveLength(count));
    const lastCursor = first.received.at(-1)!.transactionAdded.cursor;
    first.close();

    clock.advanceDays(3);
    await gateway.sync.syncConnection(connection.id);

    const resumed = subscribe<TransactionEventData>(gateway.url, apiKey, TRANSACTION_ADDED, { after: lastCursor });
    const { count: added } = (
      await gateway.dataSource.query(
        `${TRANSACTION_EVENTS} AND e.payload->>'kind' = 'ADDED' AND b.first_sequence + e.position - 1 > $2`,
        [connection.id, lastCursor],
      )
    )[0];
    expect(added).toBeGreaterThan(0);
    await eventually(() => expect(resumed.received).toHaveLength(added));
    await settle();
    const ids = [...first.received, ...resumed.received].map((event) => event.transactionAdded.transaction.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(resumed.received).toHaveLength(added);
    resumed.close();
  });

  const onRedis = testTarget === 'services' ? it : it.skip;
  onRedis(
    'reaches a subscriber on another gateway process through Redis',
    async () => {
      const prefix = `passerelle-test:shared-${Date.now()}:`;
      const a = await startTestGateway({ now: clock.now, redisPrefix: prefix });
      const b = await startGatewayProcess(prefix);
      try {
        const owner = await a.makeOwner();
        await connectSandbox(a, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
        await a.jobs.whenIdle();
        const connectionId = (await a.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections[0].id;

        const listener = subscribe<TransactionEventData>(b.url, owner.apiKey, TRANSACTION_ADDED);
        await settle(300);
        clock.advanceDays(2);
        const result = await a.sync.syncConnection(connectionId);
        expect(result.added).toBeGreaterThan(0);
        await eventually(() => expect(listener.received).toHaveLength(result.added));
        listener.close();
      } finally {
        await b.stop();
        await a.close();
        await deleteRedisKeys(prefix);
      }
    },
    60_000,
  );
});

describe('transactionChanged', () => {
  it('tells a pending line settled, with the id it had while pending, under the same Passerelle id', async () => {
    const { apiKey, id: ownerId, connection } = await connectAndSync('Sandbox Berlin Group Bank');
    const pending = (await storedLines(ownerId)).filter((line) => line.status === 'PENDING');
    const changes = subscribe<{
      transactionChanged: {
        kind: string;
        supersededProviderTransactionId: string | null;
        transaction: { id: string; status: string };
      };
    }>(
      gateway.url,
      apiKey,
      'subscription { transactionChanged { kind supersededProviderTransactionId transaction { id status } } }',
    );
    await settle();
    clock.advanceDays(8);
    const result = await gateway.sync.syncConnection(connection.id);
    expect(result.settled).toBeGreaterThan(0);
    await eventually(() =>
      expect(changes.received.filter((event) => event.transactionChanged.kind === 'SETTLED')).toHaveLength(
        result.settled,
      ),
    );
    for (const { transactionChanged: event } of changes.received.filter(
      (e) => e.transactionChanged.kind === 'SETTLED',
    )) {
      const before = pending.find((line) => line.id === event.transaction.id)!;
      expect(before).toBeDefined();
      expect(event.supersededProviderTransactionId).toBe(before.providerTransactionId);
      expect(event.transaction.status).toBe('BOOKED');
    }
    changes.close();
  });
});
