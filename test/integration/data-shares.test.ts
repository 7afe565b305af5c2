import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import Decimal from 'decimal.js';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import { canonicalLine, SNAPSHOT_TYPE } from '../../src/modules/data-shares/snapshot';
import {
  AccountsDocument,
  CategorizeTransactionDocument,
  ConnectionsDocument,
  CreateDataShareDocument,
  DataSharesDocument,
  OwnerCashflowDocument,
  RevokeConsentDocument,
  RevokeDataShareDocument,
  SharedCashflowDocument,
  SharedHistoryDocument,
  SharedTransactionsDocument,
  SharesWithMeDocument,
  SignedSnapshotDocument,
  TransactionCategoriesDocument,
  TransactionsDocument,
  type SharedTransactionsQuery,
} from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { SigningKey } from '../../src/modules/signing/signing-key.entity';
import { encryptionKey, TokenCipher } from '../../src/security';
import { startTestGateway, TEST_ENCRYPTION_KEY, type TestGateway } from '../support/test-gateway';

/**
 * Over 400 lines on purpose: the lender's whole contract (window edges, revocation, expiry, isolation, snapshot, cash
 * flow, categories) runs against one gateway and its clock.
 */

/**
 * Issue 11: an owner shares a window of bank history with a lender, for a time. The lender reads only that, only
 * while the share is valid, every read logged; the snapshot it gets is signed with a published key.
 */

const DAY_MS = 86_400_000;
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let gateway: TestGateway;
let owner: { id: string; apiKey: string };
let lender: { id: string; apiKey: string };
let otherLender: { id: string; apiKey: string };
let accountIds: string[];

beforeAll(async () => {
  gateway = await startTestGateway({ now });
  owner = await gateway.makeOwner();
  for (const bank of ['Sandbox Berlin Group Bank', 'Sandbox STET Bank']) {
    expect((await connectSandbox(gateway, owner.apiKey, bank)).finalRedirect.searchParams.get('status')).toBe('ACTIVE');
  }
  await gateway.jobs.whenIdle();
  accountIds = (await gateway.graphql(AccountsDocument, {}, owner.apiKey)).body.data!.accounts.map(
    (account) => account.id,
  );
  expect(accountIds.length).toBeGreaterThanOrEqual(4);
  lender = await gateway.makeLender();
  otherLender = await gateway.makeLender();
  // Two banks' first syncs: on the embedded default (PGlite, one connection) they take longer than a test.
}, 120_000);
afterAll(() => gateway?.close());

const isoDay = (offsetDays: number): string =>
  new Date(Date.parse(now().toISOString().slice(0, 10)) + offsetDays * DAY_MS).toISOString().slice(0, 10);

async function share(input: { accountIds?: string[]; historyDays?: number; validForDays?: number } = {}) {
  const { body } = await gateway.graphql(
    CreateDataShareDocument,
    { input: { lenderId: lender.id, ...input } },
    owner.apiKey,
  );
  expect(body.errors).toBeUndefined();
  return body.data!.createDataShare;
}

type Line = Omit<SharedTransactionsQuery['sharedHistory']['transactions']['edges'][number]['node'], 'date'> & {
  date: string;
};

/** Every line of the share's window, as the lender pages through them. */
async function readAll(shareId: string, apiKey = lender.apiKey): Promise<Line[]> {
  const lines: Line[] = [];
  let after: string | null | undefined;
  for (;;) {
    const { body } = await gateway.graphql(SharedTransactionsDocument, { shareId, first: 100, after }, apiKey);
    expect(body.errors).toBeUndefined();
    const page = body.data!.sharedHistory.transactions;
    lines.push(...page.edges.map((edge) => ({ ...edge.node, date: String(edge.node.date) })));
    if (!page.pageInfo.hasNextPage) return lines;
    after = page.pageInfo.endCursor;
  }
}

function codes(body: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) {
  return body.errors?.map((error) => error.extensions?.code);
}

describe('creating a share', () => {
  it('shares every account for 90 days ending today by default, valid 30 days, and the lender finds it', async () => {
    const created = await share();
    expect(created).toMatchObject({
      status: 'ACTIVE',
      historyDays: 90,
      historyFrom: isoDay(-90),
      historyTo: isoDay(0),
      lender: { id: lender.id },
    });
    expect(created.accounts.map((account) => account.id).sort()).toEqual([...accountIds].sort());
    expect(Date.parse(String(created.validUntil)) - Date.parse(String(created.createdAt))).toBe(30 * DAY_MS);
    const mine = (await gateway.graphql(SharesWithMeDocument, {}, lender.apiKey)).body.data!.sharesWithMe;
    expect(mine.find((found) => found.id === created.id)).toMatchObject({ status: 'ACTIVE', accesses: null });
  });

  it('never reaches further back than the banks’ consents cover', async () => {
    // The test journeys grant 90 days of history.
    const created = await share({ historyDays: 365 });
    expect(created).toMatchObject({ historyDays: 365, historyFrom: isoDay(-90) });
  });

  it('refuses a lender id that is not a lender, an account that is not the owner’s, and days out of range, naming the field', async () => {
    const stranger = await gateway.makeOwner();
    const cases: Array<
      [{ lenderId: string; accountIds?: string[]; historyDays?: number; validForDays?: number }, string]
    > = [
      [{ lenderId: stranger.id }, 'input.lenderId'],
      [
        { lenderId: lender.id, accountIds: [accountIds[0]!, '7f1f1c8e-0000-4000-8000-000000000000'] },
        'input.accountIds',
      ],
      [{ lenderId: lender.id, accountIds: [] }, 'input.accountIds'],
      [{ lenderId: lender.id, historyDays: 0 }, 'historyDays'],
      [{ lenderId: lender.id, validForDays: 366 }, 'validForDays'],
    ];
    for (const [input, field] of cases) {
      const { body } = await gateway.graphql(CreateDataShareDocument, { input }, owner.apiKey);
      expect(codes(body)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(body.errors)).toContain(field);
    }
    // A stranger owner has no account to share with anyone.
    const { body } = await gateway.graphql(
      CreateDataShareDocument,
      { input: { lenderId: lender.id, accountIds } },
      stranger.apiKey,
    );
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the lender’s view', () => {
  it('holds the line of day 90 and leaves out the line of day 91', async () => {
    const created = await share({ accountIds: [accountIds[0]!] });
    const repository = gateway.dataSource.getRepository(Transaction);
    const [inside, outside] = await repository.find({
      where: { accountId: accountIds[0] },
      order: { date: 'DESC', id: 'ASC' },
      take: 2,
    });
    await repository.update({ id: inside!.id }, { date: String(created.historyFrom) });
    await repository.update({ id: outside!.id }, { date: isoDay(-91) });
    const ids = (await readAll(created.id)).map((line) => line.id);
    expect(ids).toContain(inside!.id);
    expect(ids).not.toContain(outside!.id);
    const stored = await repository
      .createQueryBuilder('t')
      .where('t.account_id = :id AND t.date BETWEEN :from AND :to AND t.removed_at IS NULL', {
        id: accountIds[0],
        from: created.historyFrom,
        to: created.historyTo,
      })
      .getCount();
    expect(ids).toHaveLength(stored);
  });

  it('shows only the accounts shared, and no line of another account', async () => {
    const created = await share({ accountIds: [accountIds[1]!] });
    const { body } = await gateway.graphql(SharedHistoryDocument, { shareId: created.id, first: 1 }, lender.apiKey);
    expect(body.data!.sharedHistory.accounts.map((account) => account.id)).toEqual([accountIds[1]]);
    const lines = await readAll(created.id);
    expect(lines.length).toBeGreaterThan(0);
    const accountsOfLines = await gateway.dataSource
      .getRepository(Transaction)
      .findBy(lines.map((line) => ({ id: line.id })));
    expect(new Set(accountsOfLines.map((line) => line.accountId))).toEqual(new Set([accountIds[1]]));
  });

  it('reaches nothing of the owner through the owner’s own fields', async () => {
    expect(codes((await gateway.graphql(AccountsDocument, {}, lender.apiKey)).body)).toEqual(['FORBIDDEN']);
    expect(codes((await gateway.graphql(TransactionsDocument, { first: 5 }, lender.apiKey)).body)).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('is NOT_FOUND for another lender, who sees no share either', async () => {
    const created = await share();
    expect(
      codes((await gateway.graphql(SharedHistoryDocument, { shareId: created.id, first: 1 }, otherLender.apiKey)).body),
    ).toEqual(['NOT_FOUND']);
    expect((await gateway.graphql(SharesWithMeDocument, {}, otherLender.apiKey)).body.data!.sharesWithMe).toEqual([]);
  });

  it('is logged read by read, and the owner sees each read with its time and operation', async () => {
    const created = await share();
    await gateway.graphql(SharedTransactionsDocument, { shareId: created.id, first: 3 }, lender.apiKey);
    await gateway.graphql(SignedSnapshotDocument, { shareId: created.id }, lender.apiKey);
    const shares = (await gateway.graphql(DataSharesDocument, {}, owner.apiKey)).body.data!.dataShares;
    const accesses = shares.find((found) => found.id === created.id)!.accesses!;
    expect(accesses.map((access) => access.operation).sort()).toEqual([
      'sharedHistory',
      'sharedHistory',
      'sharedHistory.signedSnapshot',
      'sharedHistory.transactions',
    ]);
    for (const access of accesses)
      expect(Math.abs(Date.parse(String(access.at)) - now().getTime())).toBeLessThan(60_000);
  });
});

describe('the end of a share', () => {
  it('cuts a lender off mid-pagination as soon as the owner revokes', async () => {
    const created = await share();
    const first = await gateway.graphql(SharedTransactionsDocument, { shareId: created.id, first: 5 }, lender.apiKey);
    expect(first.body.data!.sharedHistory.transactions.pageInfo.hasNextPage).toBe(true);
    const revoked = await gateway.graphql(RevokeDataShareDocument, { id: created.id }, owner.apiKey);
    expect(revoked.body.data!.revokeDataShare.status).toBe('REVOKED');
    const next = await gateway.graphql(
      SharedTransactionsDocument,
      { shareId: created.id, first: 5, after: first.body.data!.sharedHistory.transactions.pageInfo.endCursor },
      lender.apiKey,
    );
    expect(next.body.data ?? null).toBeNull();
    expect(codes(next.body)).toEqual(['FORBIDDEN']);
    const listed = (await gateway.graphql(SharesWithMeDocument, {}, lender.apiKey)).body.data!.sharesWithMe.find(
      (found) => found.id === created.id,
    );
    expect(listed).toMatchObject({ status: 'REVOKED', accounts: [] });
  });

  it('expires by the clock at validUntil, and the lender is told CREATED, REVOKED and EXPIRED by its subscription', async () => {
    const received: Array<{ change: string; share: { id: string; status: string } }> = [];
    const client = createClient({
      url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${lender.apiKey}` },
      retryAttempts: 0,
    });
    const query =
      'subscription($after: String) { dataShareChanged(after: $after) { cursor change share { id status } } }';
    client.subscribe<{ dataShareChanged: (typeof received)[number] }>(
      { query, variables: { after: '0' } },
      {
        next: (result) => result.data && received.push(result.data.dataShareChanged),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      const expiring = await share({ validForDays: 1 });
      const revoked = await share();
      await gateway.graphql(RevokeDataShareDocument, { id: revoked.id }, owner.apiKey);
      expect(
        codes((await gateway.graphql(SignedSnapshotDocument, { shareId: expiring.id }, lender.apiKey)).body),
      ).toBeUndefined();

      offsetMs += DAY_MS;
      expect(
        codes((await gateway.graphql(SignedSnapshotDocument, { shareId: expiring.id }, lender.apiKey)).body),
      ).toEqual(['FORBIDDEN']);
      expect(await gateway.lenderSharing.shares.announceExpiries({ ownerId: owner.id })).toBeGreaterThan(0);
      expect(await gateway.lenderSharing.shares.announceExpiries({ ownerId: owner.id })).toBe(0);

      const deadline = Date.now() + 10_000;
      const changesOf = (id: string) => received.filter((event) => event.share.id === id).map((event) => event.change);
      while (changesOf(expiring.id).length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(changesOf(expiring.id)).toEqual(['CREATED', 'EXPIRED']);
      expect(changesOf(revoked.id)).toEqual(['CREATED', 'REVOKED']);
      expect(received.find((event) => event.share.id === expiring.id && event.change === 'EXPIRED')!.share.status).toBe(
        'EXPIRED',
      );
    } finally {
      offsetMs -= DAY_MS;
      await client.dispose();
    }
  });
});

describe('the signed snapshot', () => {
  it('verifies with the published key, vouches for exactly the lines the lender read, and fails once tampered with', async () => {
    const created = await share();
    const snapshot = (await gateway.graphql(SignedSnapshotDocument, { shareId: created.id }, lender.apiKey)).body.data!
      .sharedHistory.signedSnapshot;
    const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const header = decodeProtectedHeader(snapshot);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: SNAPSHOT_TYPE });
    expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);
    expect(jwks.keys.every((key) => key.kty === 'OKP' && key.crv === 'Ed25519' && !('d' in key))).toBe(true);

    const { payload } = await jwtVerify(snapshot, createLocalJWKSet(jwks), { audience: lender.id, typ: SNAPSHOT_TYPE });
    const lines = await readAll(created.id);
    const digest = `sha256:${(await import('node:crypto')).createHash('sha256').update(lines.map(canonicalLine).join('\n')).digest('base64url')}`;
    expect(payload).toMatchObject({
      sub: created.id,
      share: {
        id: created.id,
        lender: { id: lender.id },
        window: { from: created.historyFrom, to: created.historyTo },
        transactions: { count: lines.length, digest },
      },
    });

    const [encodedHeader, encodedPayload, signature] = snapshot.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...payload,
        share: { ...(payload.share as object), window: { from: '2000-01-01', to: created.historyTo } },
      }),
    ).toString('base64url');
    await expect(jwtVerify(`${encodedHeader}.${forged}.${signature}`, createLocalJWKSet(jwks))).rejects.toThrow(
      /signature/,
    );
    expect(encodedPayload).not.toBe(forged);
  });

  it('keeps the private half of every signing key only encrypted, under the key that encrypts bank tokens', async () => {
    const keys = await gateway.dataSource.getRepository(SigningKey).find();
    expect(keys.length).toBeGreaterThan(0);
    const cipher = new TokenCipher(encryptionKey(Buffer.from(TEST_ENCRYPTION_KEY, 'base64')));
    for (const key of keys) {
      expect(key.privateJwkEnc).toMatch(/^v1:/);
      const privateJwk = JSON.parse(cipher.decrypt(key.privateJwkEnc)) as { d: string; x: string };
      expect(privateJwk.x).toBe(key.publicJwk.x);
      expect(key.privateJwkEnc).not.toContain(privateJwk.d);
      expect(JSON.stringify(key.publicJwk)).not.toContain(privateJwk.d);
    }
  });

  it('still verifies after a key rotation, while new snapshots name the new key', async () => {
    const created = await share();
    const before = (await gateway.graphql(SignedSnapshotDocument, { shareId: created.id }, lender.apiKey)).body.data!
      .sharedHistory.signedSnapshot;
    const kid = await gateway.lenderSharing.signing.rotate();
    const after = (await gateway.graphql(SignedSnapshotDocument, { shareId: created.id }, lender.apiKey)).body.data!
      .sharedHistory.signedSnapshot;
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    const jwks = createLocalJWKSet(
      (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet,
    );
    await expect(jwtVerify(before, jwks)).resolves.toBeDefined();
    await expect(jwtVerify(after, jwks)).resolves.toBeDefined();
  });
});

describe('the cash flow', () => {
  it('sums each month’s lines by category in two-decimal strings, leaving own transfers out', async () => {
    const created = await share();
    const { body } = await gateway.graphql(SharedCashflowDocument, { shareId: created.id }, lender.apiKey);
    expect(body.errors).toBeUndefined();
    const months = body.data!.sharedHistory.cashflow;
    expect(months.map((month) => month.month)).toEqual(months.map((month) => month.month).sort());
    expect(months[0]!.month).toBe(String(created.historyFrom).slice(0, 7));
    expect(months.at(-1)!.month).toBe(String(created.historyTo).slice(0, 7));
    const money = /^-?\d+\.\d{2}$/;
    for (const month of months) {
      for (const value of [month.inflow, month.outflow, month.net]) expect(value).toMatch(money);
      expect(month.byCategory.map((flow) => flow.category)).not.toContain('OWN_TRANSFERS');
      expect(Decimal.sum(0, ...month.byCategory.map((flow) => flow.inflow)).toFixed(2)).toBe(month.inflow);
      expect(Decimal.sum(0, ...month.byCategory.map((flow) => flow.outflow)).toFixed(2)).toBe(month.outflow);
      expect(new Decimal(month.inflow).minus(month.outflow).toFixed(2)).toBe(month.net);
      expect(month.averageEndOfDayBalance).toMatch(money);
      expect(new Decimal(month.minimumEndOfDayBalance!).lte(month.averageEndOfDayBalance!)).toBe(true);
      expect(month.daysNegative).toBeGreaterThanOrEqual(0);
    }
    // The sandbox moves money to savings every 28th: those lines are in the window but in no month's flows.
    const lines = (
      await gateway.graphql(SharedHistoryDocument, { shareId: created.id, first: 100 }, lender.apiKey)
    ).body.data!.sharedHistory.transactions.edges.map((edge) => edge.node);
    expect(lines.some((line) => line.category === 'OWN_TRANSFERS')).toBe(true);
  });
});

describe('the owner’s own cash flow', () => {
  it('is the lender’s for the same accounts and days, and refuses a window that ends before it starts', async () => {
    const created = await share({ accountIds: accountIds.slice(0, 2) });
    const lenders = (await gateway.graphql(SharedCashflowDocument, { shareId: created.id }, lender.apiKey)).body.data!
      .sharedHistory.cashflow;
    const owners = await gateway.graphql(
      OwnerCashflowDocument,
      { from: created.historyFrom, to: created.historyTo, accountIds: accountIds.slice(0, 2) },
      owner.apiKey,
    );
    expect(owners.body.errors).toBeUndefined();
    expect(owners.body.data!.cashflow).toEqual(lenders);
    expect(lenders.length).toBeGreaterThan(0);

    const backwards = await gateway.graphql(OwnerCashflowDocument, { from: isoDay(0), to: isoDay(-1) }, owner.apiKey);
    expect(backwards.body.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([
      ['BAD_USER_INPUT', 'from'],
    ]);
  });
});

describe('transfers between the owner’s banks', () => {
  it('are own transfers, left out of the cash flow, even when the two accounts are at different banks', async () => {
    const connections = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections;
    const [berlin, stet] = ['Sandbox Berlin Group Bank', 'Sandbox STET Bank'].map((name) =>
      connections.find((connection) => connection.institution.name === name)!,
    );
    const created = await share({ accountIds: berlin!.accounts.map((account) => account.id) });
    const cashflow = async () =>
      (await gateway.graphql(SharedCashflowDocument, { shareId: created.id }, lender.apiKey)).body.data!.sharedHistory
        .cashflow;
    const before = await cashflow();

    // A customer payment becomes money the owner moved in from its account at the other bank.
    const repository = gateway.dataSource.getRepository(Transaction);
    const line = await repository
      .createQueryBuilder('t')
      .where('t.account_id IN (:...ids) AND t.amount > 0 AND t.status = :booked AND t.date BETWEEN :from AND :to', {
        ids: berlin!.accounts.map((account) => account.id),
        booked: 'BOOKED',
        from: created.historyFrom,
        to: created.historyTo,
      })
      .andWhere("t.bank_transaction_code = 'PMNT-RCDT-ESCT'")
      .orderBy('t.date', 'DESC')
      .getOneOrFail();
    await repository.update(
      { id: line.id },
      { counterpartyIban: stet!.accounts[0]!.iban, counterpartyName: 'Own account at the other bank' },
    );

    expect((await readAll(created.id)).find((found) => found.id === line.id)?.category).toBe('OWN_TRANSFERS');
    const after = await cashflow();
    const month = line.date.slice(0, 7);
    const inflowOf = (months: typeof before) => new Decimal(months.find((found) => found.month === month)!.inflow);
    expect(inflowOf(before).minus(inflowOf(after)).toFixed(2)).toBe(new Decimal(line.amount).toFixed(2));
  });
});

describe('categories', () => {
  it('lets the owner correct a line’s category, and the correction teaches every line of that counterparty, the lender’s view included', async () => {
    const lines = (
      await gateway.graphql(TransactionCategoriesDocument, { first: 100 }, owner.apiKey)
    ).body.data!.transactions.edges.map((edge) => edge.node);
    const supplier = lines.find(
      (line) =>
        line.category === 'SUPPLIERS' &&
        line.counterpartyName &&
        lines.filter((other) => other.counterpartyName === line.counterpartyName).length > 1,
    )!;
    expect(supplier).toBeDefined();
    const corrected = await gateway.graphql(
      CategorizeTransactionDocument,
      { id: supplier.id, category: 'UTILITIES' },
      owner.apiKey,
    );
    expect(corrected.body.data!.categorizeTransaction).toEqual({ id: supplier.id, category: 'UTILITIES' });

    const after = (
      await gateway.graphql(TransactionCategoriesDocument, { first: 100 }, owner.apiKey)
    ).body.data!.transactions.edges.map((edge) => edge.node);
    const sameCounterparty = after.filter(
      (line) =>
        line.counterpartyName === supplier.counterpartyName && line.counterpartyIban === supplier.counterpartyIban,
    );
    expect(sameCounterparty.length).toBeGreaterThan(1);
    expect(new Set(sameCounterparty.map((line) => line.category))).toEqual(new Set(['UTILITIES']));
    const untouched = after.filter(
      (line) => line.counterpartyName !== supplier.counterpartyName && line.category === 'SUPPLIERS',
    );
    expect(untouched.length).toBeGreaterThan(0);

    const created = await share();
    const seen = (
      await gateway.graphql(SharedHistoryDocument, { shareId: created.id, first: 100 }, lender.apiKey)
    ).body.data!.sharedHistory.transactions.edges.map((edge) => edge.node);
    expect(
      seen.filter((line) => line.counterpartyName === supplier.counterpartyName).map((line) => line.category),
    ).toContain('UTILITIES');
  });

  it('refuses a category the taxonomy does not have, and a line of another owner', async () => {
    const line = (await gateway.graphql(TransactionCategoriesDocument, { first: 1 }, owner.apiKey)).body.data!
      .transactions.edges[0]!.node;
    const stranger = await gateway.makeOwner();
    expect(
      codes(
        (await gateway.graphql(CategorizeTransactionDocument, { id: line.id, category: 'RENT' }, stranger.apiKey)).body,
      ),
    ).toEqual(['NOT_FOUND']);
    const bad = await gateway.graphql(
      CategorizeTransactionDocument,
      { id: line.id, category: 'GAMBLING' as 'RENT' },
      owner.apiKey,
    );
    expect(bad.status).toBe(400);
    expect(codes(bad.body)).toEqual(['BAD_USER_INPUT']);
  });
});

// Last: it purges one of the owner's two connections, which the tests above read.
describe('a purged connection', () => {
  it('drops a purged connection’s accounts and lines from the lender’s view', async () => {
    const connections = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections;
    const stet = connections.find((connection) => connection.institution.name === 'Sandbox STET Bank')!;
    const created = await share();
    const purgedIds = stet.accounts.map((account) => account.id);
    expect(
      (await gateway.graphql(RevokeConsentDocument, { id: stet.currentConsent!.id, purge: true }, owner.apiKey)).body
        .errors,
    ).toBeUndefined();
    const { body } = await gateway.graphql(SharedHistoryDocument, { shareId: created.id, first: 1 }, lender.apiKey);
    const remaining = body.data!.sharedHistory.accounts.map((account) => account.id);
    expect(remaining.length).toBeGreaterThan(0);
    expect(remaining.filter((id) => purgedIds.includes(id))).toEqual([]);
    const lines = await readAll(created.id);
    expect(
      await gateway.dataSource
        .getRepository(Transaction)
        .countBy(lines.map((line) => ({ id: line.id, accountId: purgedIds[0] }))),
    ).toBe(0);
  });
});
