// Over 400 lines on purpose: one suite walks every operation of the schema as every kind of stranger, and ends by
// checking it covered them all; split, that completeness check could not see the whole surface.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  buildSchema,
  getNullableType,
  isListType,
  parse,
  print,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiScope } from '../../src/modules/principals/api-scope';
import { Match } from '../../src/modules/reconciliation/match.entity';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import { walkScaForm } from '../support/sandbox-harness';
import {
  AccountDocument,
  AccountsDocument,
  ApiKeysDocument,
  CategorizeTransactionDocument,
  CreateApiKeyDocument,
  CreateConnectLinkDocument,
  CreateDataShareDocument,
  DataSharesDocument,
  OwnerCashflowDocument,
  RevokeApiKeyDocument,
  RevokeDataShareDocument,
  SharedHistoryDocument,
  SharesWithMeDocument,
  SignedSnapshotDocument,
  AccountingExportDocument,
  CompleteConnectionDocument,
  ConfirmMatchDocument,
  ConnectionsDocument,
  DeleteConnectionDocument,
  ConsentDocument,
  ConsentStatusChangedDocument,
  CancelPaymentDocument,
  ImportPayoutsDocument,
  InitiatePaymentDocument,
  InstitutionsDocument,
  PaymentDocument,
  PaymentsDocument,
  PaymentStatusChangedDocument,
  InvoicesDocument,
  PayoutsDocument,
  RefreshConnectionDocument,
  RejectMatchDocument,
  RenewConsentDocument,
  RevokeConsentDocument,
  StartConnectionDocument,
  TransactionsDocument,
  UpsertInvoicesDocument,
  ViewerDocument,
  type InvoiceInput,
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
  stetConnectionId: string;
  accountIds: string[];
  ibans: string[];
  /** Lines the first sync stored, and a cursor into the owner's own transaction list. */
  transactionIds: string[];
  transactionCursor: string;
  /** Invoices the owner pushed for payments the bank feed shows, and the matches the engine made of them. */
  invoices: InvoiceInput[];
  invoiceIds: string[];
  invoiceCursor: string;
  matchIds: string[];
  /** A payment the owner initiated (not yet authorised at the bank), its idempotency key and a cursor to it. */
  paymentIds: string[];
  paymentKey: string;
  paymentCursor: string;
  /** A share of the owner's with a lender of its own, and the owner's API keys. */
  shareId: string;
  shareLender: Caller;
  apiKeyIds: string[];
}

let victim: Victim;

/** A payout report of the owner's; dated long before any synced line, so it settles nothing and changes no match. */
const VICTIM_PAYOUT = {
  payoutId: `po_isolation_${randomUUID().slice(0, 8)}`,
  arrivalDate: '2020-01-15',
  amount: '98.00',
  currency: 'EUR',
  items: [
    {
      chargeId: 'ch_1',
      invoiceNumber: null,
      customerName: 'Card customer',
      gross: '100.00',
      fee: '-2.00',
      net: '98.00',
    },
  ],
};
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

  // The first sync runs after each journey: wait until its lines are stored.
  const deadline = Date.now() + 20_000;
  let transactions = await gateway.graphql(TransactionsDocument, { first: 100 }, owner.apiKey);
  while (!transactions.body.data?.transactions.edges.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    transactions = await gateway.graphql(TransactionsDocument, { first: 100 }, owner.apiKey);
  }
  const edges = transactions.body.data!.transactions.edges;
  expect(edges.length).toBeGreaterThan(1);
  await gateway.jobs.whenIdle();
  const lines = await gateway.dataSource
    .getRepository(Transaction)
    .find({ where: { ownerId: owner.id }, order: { date: 'ASC', id: 'ASC' } });

  // Invoices the owner's customers paid, as the owner's invoicing tool would push them: the engine matches them.
  const invoices = new Map<string, InvoiceInput>();
  for (const line of lines) {
    const number = /\bINV-\d{4}-\d{4}\b/.exec(line.remittanceInformation ?? '')?.[0];
    if (
      !number ||
      invoices.has(number) ||
      line.status !== 'BOOKED' ||
      new Decimal(line.amount).lte(0) ||
      invoices.size >= 3
    )
      continue;
    invoices.set(number, {
      number,
      customerName: line.counterpartyName ?? 'Customer',
      customerIban: line.counterpartyIban,
      amount: new Decimal(line.amount).toFixed(2),
      currency: line.currency,
      issueDate: line.date,
      dueDate: line.date,
    });
  }
  expect(invoices.size).toBeGreaterThan(0);
  expect(
    (await gateway.graphql(UpsertInvoicesDocument, { input: [...invoices.values()] }, owner.apiKey)).body.errors,
  ).toBeUndefined();
  expect(
    (await gateway.graphql(ImportPayoutsDocument, { input: [VICTIM_PAYOUT] }, owner.apiKey)).body.errors,
  ).toBeUndefined();
  await gateway.jobs.whenIdle();
  const invoiceEdges = (await gateway.graphql(InvoicesDocument, { first: 100 }, owner.apiKey)).body.data!.invoices
    .edges;
  const matches = await gateway.dataSource.getRepository(Match).findBy({ ownerId: owner.id });
  expect(matches.length).toBeGreaterThan(0);

  const paymentKey = `rent-${randomUUID()}`;
  const debtor = connections.find((connection) => connection.institution.name === 'Sandbox STET Bank')!.accounts[0];
  const paid = await gateway.graphql(
    InitiatePaymentDocument,
    {
      input: {
        idempotencyKey: paymentKey,
        debtorAccountId: debtor.id,
        creditorName: 'Landlord',
        creditorIban: 'DE89370400440532013000',
        amount: '950.00',
      },
    },
    owner.apiKey,
  );
  expect(paid.body.errors).toBeUndefined();
  const paymentEdges = (await gateway.graphql(PaymentsDocument, { first: 10 }, owner.apiKey)).body.data!.payments.edges;

  victim = {
    ...owner,
    readOnlyKey: await gateway.makeApiClient(owner.id, [ApiScope.READ]),
    activeConsentIds: journeys.map((journey) => journey.consentId),
    pendingConsentId: pending.consent.id,
    pendingCallbackUrl: sca.location!,
    usedCallbackUrls: journeys.map((journey) => journey.bankRedirect),
    connectionIds: connections.map((connection) => connection.id),
    stetConnectionId: connections.find((connection) => connection.institution.name === 'Sandbox STET Bank')!.id,
    accountIds: accounts.map((account) => account.id),
    ibans: accounts.map((account) => account.iban).filter((iban): iban is string => Boolean(iban)),
    transactionIds: lines.map((line) => line.id),
    transactionCursor: edges[0].cursor,
    invoices: [...invoices.values()],
    invoiceIds: invoiceEdges.map((edge) => edge.node.id),
    invoiceCursor: invoiceEdges[0].cursor,
    matchIds: matches.map((match) => match.id),
    paymentIds: [paid.body.data!.initiatePayment.payment.id],
    paymentKey,
    paymentCursor: paymentEdges[0].cursor,
    ...(await shareOfVictim(owner.apiKey)),
  };

  const other = await gateway.makeOwner();
  intruders['another owner'] = other;
  intruders['another owner’s read-only key'] = await gateway.makeApiClient(other.id, [ApiScope.READ]);
  intruders['a lender'] = await gateway.makeLender();

  before = await settledRowsOf(victim.id);
});
afterAll(() => gateway?.close());

/** The owner shares its history with a lender of its own, and lists its API keys. */
async function shareOfVictim(apiKey: string): Promise<Pick<Victim, 'shareId' | 'shareLender' | 'apiKeyIds'>> {
  const shareLender = await gateway.makeLender();
  const created = await gateway.graphql(CreateDataShareDocument, { input: { lenderId: shareLender.id } }, apiKey);
  const keys = await gateway.graphql(ApiKeysDocument, {}, apiKey);
  return {
    shareId: created.body.data!.createDataShare.id,
    shareLender,
    apiKeyIds: keys.body.data!.apiKeys.map((key) => key.id),
  };
}

let before: Awaited<ReturnType<typeof rowsOf>>;

/**
 * Every row the first owner has, in every table with an owner_id, as Postgres prints it: any change by another caller
 * shows as a difference.
 */
async function rowsOf(ownerId: string): Promise<Record<string, string[]>> {
  const tables = (
    (await gateway.dataSource.query(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'owner_id' ORDER BY table_name",
    )) as Array<{ table_name: string }>
  ).map((row) => row.table_name);
  expect(tables).toEqual(
    expect.arrayContaining([
      'connection',
      'consent',
      'account',
      'audit_event',
      'outbox_batch',
      'data_share',
      'data_share_access',
      'category_rule',
      'category_override',
    ]),
  );
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    const found = (await gateway.dataSource.query(
      `SELECT t::text AS row FROM "${table}" t WHERE owner_id = $1 ORDER BY t::text`,
      [ownerId],
    )) as Array<{ row: string }>;
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
    ...victim.transactionIds,
    ...victim.invoiceIds,
    ...victim.matchIds,
    ...victim.paymentIds,
    victim.shareId,
    ...victim.apiKeyIds,
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

/**
 * `matches`, read as the committed schema shapes it (a list, or a Relay connection), selecting every id a match
 * exposes, so that any match of the owner's would show.
 */
const MATCHES = (() => {
  const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
  const field = schema.getQueryType()!.getFields().matches;
  const match = 'id transaction { id account { id } } invoice { id number }';
  const selection = isListType(getNullableType(field?.type)) ? match : `edges { node { ${match} } }`;
  return parse(`query ($status: MatchState) { matches(status: $status) { ${selection} } }`) as TypedDocumentNode<
    Record<string, unknown>,
    { status: string | null }
  >;
})();

const coveredRootFields = new Set<string>();

/**
 * One isolation case for a root field of the schema, run by each caller that has no right to the first owner's
 * rows. Declaring it records the field as covered (see the last test).
 */
function isolationCase(
  field: `${'Query' | 'Mutation' | 'Subscription'}.${string}`,
  name: string,
  run: (caller: Caller, callerName: string) => Promise<void>,
): void {
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

  isolationCase(
    'Query.institutions',
    'institutions is the public catalogue and carries nothing of any owner',
    async (caller) => {
      const { body } = await gateway.graphql(InstitutionsDocument, { first: 100 }, caller.apiKey);
      // A lender's key may or may not list banks; either way no owner's data comes with it.
      if (body.data) expect(body.data.institutions.edges.length).toBeGreaterThan(0);
      else expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      expectNothingOfVictim(body);
    },
  );

  isolationCase('Query.connections', 'connections lists none of the owner’s connections', async (caller) => {
    const { body } = await gateway.graphql(ConnectionsDocument, {}, caller.apiKey);
    if (body.data) {
      expect(
        body.data.connections.map((connection) => connection.id).filter((id) => victim.connectionIds.includes(id)),
      ).toEqual([]);
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

  isolationCase(
    'Query.consent',
    'consent(id) finds none of the owner’s consents, nor anything by a guessed or malformed id',
    async (caller) => {
      for (const id of [
        ...victim.activeConsentIds,
        victim.pendingConsentId,
        ...victim.connectionIds,
        ...guessedIds(),
      ]) {
        const { body } = await gateway.graphql(ConsentDocument, { id }, caller.apiKey);
        expectRefused(body);
      }
    },
  );

  isolationCase(
    'Query.account',
    'account(id) finds none of the owner’s accounts, nor anything by a guessed or malformed id',
    async (caller) => {
      for (const id of [...victim.accountIds, ...victim.connectionIds, ...guessedIds()]) {
        const { body } = await gateway.graphql(AccountDocument, { id }, caller.apiKey);
        expectRefused(body);
      }
    },
  );

  isolationCase(
    'Query.transactions',
    'transactions lists none of the owner’s lines, by account filter or by the owner’s own cursor either',
    async (caller) => {
      for (const variables of [
        { first: 100 },
        { first: 100, filter: { accountIds: victim.accountIds } },
        { first: 100, after: victim.transactionCursor },
        { first: 100, filter: { accountIds: guessedIds() } },
      ]) {
        const { body } = await gateway.graphql(TransactionsDocument, variables, caller.apiKey);
        if (body.data) expect(body.data.transactions.edges).toEqual([]);
        else expectRefused(body);
        expectNothingOfVictim(body);
      }
    },
  );

  isolationCase(
    'Mutation.refreshConnection',
    'refreshConnection(id) cannot make the owner’s banks be read',
    async (caller) => {
      for (const id of [...victim.connectionIds, ...victim.activeConsentIds, ...victim.accountIds, ...guessedIds()]) {
        const { body } = await gateway.graphql(RefreshConnectionDocument, { id }, caller.apiKey);
        expectRefused(body);
      }
    },
  );

  isolationCase(
    'Query.invoices',
    'invoices lists none of the owner’s invoices, not even from the owner’s own cursor',
    async (caller) => {
      for (const variables of [
        { first: 100 },
        { first: 100, after: victim.invoiceCursor },
        { first: 100, status: 'PAID' as const },
      ]) {
        const { body } = await gateway.graphql(InvoicesDocument, variables, caller.apiKey);
        if (body.data)
          expect(
            body.data.invoices.edges.map((edge) => edge.node.id).filter((id) => victim.invoiceIds.includes(id)),
          ).toEqual([]);
        else expectRefused(body);
        expectNothingOfVictim(body);
      }
    },
  );

  isolationCase(
    'Query.payment',
    'payment(id) finds none of the owner’s payments, nor anything by a guessed or malformed id',
    async (caller) => {
      for (const id of [...victim.paymentIds, ...guessedIds()]) {
        expectRefused((await gateway.graphql(PaymentDocument, { id }, caller.apiKey)).body);
      }
    },
  );

  isolationCase(
    'Query.payments',
    'payments lists none of the owner’s payments, not even from the owner’s own cursor',
    async (caller) => {
      for (const variables of [
        { first: 100 },
        { first: 100, after: victim.paymentCursor },
        { first: 100, status: 'RCVD' as const },
      ]) {
        const { body } = await gateway.graphql(PaymentsDocument, variables, caller.apiKey);
        if (body.data) expect(body.data.payments.edges).toEqual([]);
        else expectRefused(body);
        expectNothingOfVictim(body);
      }
    },
  );

  isolationCase(
    'Mutation.initiatePayment',
    'initiatePayment can neither pay from the owner’s accounts nor replay the owner’s idempotency key',
    async (caller) => {
      for (const debtorAccountId of victim.accountIds) {
        const input = {
          idempotencyKey: victim.paymentKey,
          debtorAccountId,
          creditorName: 'Landlord',
          creditorIban: 'DE89370400440532013000',
          amount: '950.00',
        };
        const { body } = await gateway.graphql(InitiatePaymentDocument, { input }, caller.apiKey);
        expect(body.data ?? null).toBeNull();
        expect(body.errors?.map((error) => error.extensions?.code)).toEqual([
          expect.stringMatching(/^(BAD_USER_INPUT|FORBIDDEN)$/),
        ]);
        expectNothingOfVictim(body);
      }
    },
  );

  isolationCase('Mutation.cancelPayment', 'cancelPayment(id) cannot cancel the owner’s payments', async (caller) => {
    for (const id of [...victim.paymentIds, ...guessedIds()]) {
      expectRefused((await gateway.graphql(CancelPaymentDocument, { id }, caller.apiKey)).body);
    }
  });

  isolationCase('Query.matches', 'matches lists none of the owner’s matches, in any state', async (caller) => {
    for (const status of [null, 'AUTO_CONFIRMED', 'SUGGESTED', 'CONFIRMED', 'REJECTED']) {
      const { body } = await gateway.graphql(MATCHES, { status }, caller.apiKey);
      if (body.data) expect(JSON.stringify(body.data)).not.toMatch(/"id"/);
      else expectRefused(body);
      expectNothingOfVictim(body);
    }
  });

  isolationCase(
    'Query.accountingExport',
    'accountingExport exports none of the owner’s reconciled entries, in CSV or FEC',
    async (caller) => {
      for (const format of ['CSV', 'FEC'] as const) {
        const { body } = await gateway.graphql(AccountingExportDocument, { format, siren: '732829320' }, caller.apiKey);
        if (body.data) expect(body.data.accountingExport.entryCount).toBe(0);
        else expectRefused(body);
        expectNothingOfVictim(body);
      }
    },
  );

  isolationCase('Query.payouts', 'payouts lists none of the owner’s payout reports', async (caller) => {
    const { body } = await gateway.graphql(PayoutsDocument, {}, caller.apiKey);
    if (body.data) expect(body.data.payouts.map((payout) => payout.payoutId)).not.toContain(VICTIM_PAYOUT.payoutId);
    else expectRefused(body);
    expectNothingOfVictim(body);
  });

  isolationCase(
    'Mutation.importPayouts',
    'importPayouts under the owner’s payout id never touches the owner’s report',
    async (caller, callerName) => {
      const { body } = await gateway.graphql(
        ImportPayoutsDocument,
        { input: [{ ...VICTIM_PAYOUT, arrivalDate: '2020-02-01' }] },
        caller.apiKey,
      );
      if (callerName === 'another owner')
        expect(body.data!.importPayouts.map((payout) => payout.payoutId)).toEqual([VICTIM_PAYOUT.payoutId]);
      else expectRefused(body);
      const own = (await gateway.graphql(PayoutsDocument, {}, victim.apiKey)).body.data!.payouts;
      expect(own.find((payout) => payout.payoutId === VICTIM_PAYOUT.payoutId)!.arrivalDate).toBe(
        VICTIM_PAYOUT.arrivalDate,
      );
    },
  );

  isolationCase('Mutation.confirmMatch', 'confirmMatch(id) cannot decide on the owner’s matches', async (caller) => {
    for (const id of [...victim.matchIds, ...victim.invoiceIds, ...guessedIds()]) {
      expectRefused((await gateway.graphql(ConfirmMatchDocument, { id }, caller.apiKey)).body);
    }
  });

  isolationCase('Mutation.rejectMatch', 'rejectMatch(id) cannot decide on the owner’s matches', async (caller) => {
    for (const id of [...victim.matchIds, ...victim.invoiceIds, ...guessedIds()]) {
      expectRefused((await gateway.graphql(RejectMatchDocument, { id }, caller.apiKey)).body);
    }
  });

  isolationCase(
    'Mutation.upsertInvoices',
    'upsertInvoices with the owner’s invoice numbers neither touches the owner’s invoices nor matches the owner’s bank lines',
    async (caller, callerName) => {
      const { body } = await gateway.graphql(UpsertInvoicesDocument, { input: victim.invoices }, caller.apiKey);
      if (callerName === 'another owner') {
        // An owner may push invoices that share numbers with another owner's: they are its own, and only its own
        // bank lines can pay them.
        expect(body.data!.upsertInvoices.map((invoice) => invoice.number).sort()).toEqual(
          victim.invoices.map((invoice) => invoice.number).sort(),
        );
        await gateway.jobs.whenIdle();
        const matches = await gateway.graphql(MATCHES, { status: null }, caller.apiKey);
        expect(JSON.stringify(matches.body.data)).not.toMatch(/"id"/);
        expectNothingOfVictim(matches.body);
      } else {
        expectRefused(body);
      }
      expectNothingOfVictim(body);
    },
  );

  isolationCase(
    'Mutation.revokeConsent',
    'revokeConsent(id) cannot revoke or purge the owner’s consents',
    async (caller) => {
      for (const id of [...victim.activeConsentIds, victim.pendingConsentId, ...guessedIds()]) {
        for (const purge of [false, true]) {
          const { body } = await gateway.graphql(RevokeConsentDocument, { id, purge }, caller.apiKey);
          expectRefused(body);
        }
      }
    },
  );

  isolationCase(
    'Mutation.deleteConnection',
    'deleteConnection(id) cannot delete or purge the owner’s connections',
    async (caller) => {
      for (const id of [...victim.connectionIds, ...guessedIds()]) {
        for (const purge of [false, true]) {
          const { body } = await gateway.graphql(DeleteConnectionDocument, { id, purge }, caller.apiKey);
          expectRefused(body);
        }
      }
    },
  );

  isolationCase(
    'Mutation.renewConsent',
    'renewConsent(id) cannot start a new authorisation on the owner’s connection',
    async (caller) => {
      for (const id of [...victim.activeConsentIds, victim.pendingConsentId, ...guessedIds()]) {
        const { body } = await gateway.graphql(RenewConsentDocument, { id, validForDays: 30 }, caller.apiKey);
        expectRefused(body);
      }
    },
  );

  isolationCase(
    'Mutation.completeConnection',
    'completeConnection cannot finish the owner’s journey with the owner’s own callback URL',
    async (caller) => {
      for (const callbackUrl of [victim.pendingCallbackUrl, ...victim.usedCallbackUrls]) {
        const { body } = await gateway.graphql(CompleteConnectionDocument, { input: { callbackUrl } }, caller.apiKey);
        expectRefused(body);
      }
    },
  );

  isolationCase('Query.dataShares', 'dataShares lists none of the owner’s shares', async (caller) => {
    const { body } = await gateway.graphql(DataSharesDocument, {}, caller.apiKey);
    if (body.data) expect(body.data.dataShares).toEqual([]);
    else expectRefused(body);
    expectNothingOfVictim(body);
  });

  isolationCase(
    'Query.sharesWithMe',
    'sharesWithMe lists none of the shares the owner made with its own lender',
    async (caller) => {
      const { body } = await gateway.graphql(SharesWithMeDocument, {}, caller.apiKey);
      if (body.data) expect(body.data.sharesWithMe).toEqual([]);
      else expectRefused(body);
      expectNothingOfVictim(body);
    },
  );

  isolationCase(
    'Query.sharedHistory',
    'sharedHistory(shareId) reads nothing of the owner’s share, nor anything by a guessed id',
    async (caller) => {
      for (const shareId of [victim.shareId, ...victim.accountIds, ...guessedIds()]) {
        expectRefused((await gateway.graphql(SharedHistoryDocument, { shareId, first: 100 }, caller.apiKey)).body);
        expectRefused((await gateway.graphql(SignedSnapshotDocument, { shareId }, caller.apiKey)).body);
      }
    },
  );

  isolationCase(
    'Mutation.createDataShare',
    'createDataShare cannot share the owner’s accounts',
    async (caller, callerName) => {
      const { body } = await gateway.graphql(
        CreateDataShareDocument,
        { input: { lenderId: victim.shareLender.id, accountIds: victim.accountIds } },
        caller.apiKey,
      );
      // Another owner is told the accounts are not its own; the others may not share at all.
      if (callerName === 'another owner')
        expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      else expectRefused(body);
      expectNothingOfVictim(body);
    },
  );

  isolationCase('Mutation.revokeDataShare', 'revokeDataShare(id) cannot end the owner’s share', async (caller) => {
    for (const id of [victim.shareId, ...guessedIds()])
      expectRefused((await gateway.graphql(RevokeDataShareDocument, { id }, caller.apiKey)).body);
  });

  isolationCase(
    'Mutation.categorizeTransaction',
    'categorizeTransaction(id) cannot recategorise the owner’s lines or teach the owner a rule',
    async (caller) => {
      for (const id of [...victim.transactionIds.slice(0, 5), ...guessedIds()]) {
        expectRefused(
          (await gateway.graphql(CategorizeTransactionDocument, { id, category: 'RENT' }, caller.apiKey)).body,
        );
      }
    },
  );

  isolationCase(
    'Query.cashflow',
    'cashflow sums none of the owner’s lines or balances, by account filter either',
    async (caller) => {
      for (const variables of [{}, { accountIds: victim.accountIds }, { accountIds: guessedIds() }]) {
        const { body } = await gateway.graphql(OwnerCashflowDocument, variables, caller.apiKey);
        if (body.data) expect(body.data.cashflow).toEqual([]);
        else expectRefused(body);
        expectNothingOfVictim(body);
      }
    },
  );

  isolationCase('Query.apiKeys', 'apiKeys lists the caller’s own keys, never the owner’s', async (caller) => {
    const { body } = await gateway.graphql(ApiKeysDocument, {}, caller.apiKey);
    expect(body.data!.apiKeys.length).toBeGreaterThan(0);
    expectNothingOfVictim(body);
  });

  isolationCase(
    'Mutation.createApiKey',
    'createApiKey makes a key for the caller alone, with no scope the caller lacks',
    async (caller, callerName) => {
      const { body } = await gateway.graphql(
        CreateApiKeyDocument,
        { label: 'isolation', scopes: ['READ'] },
        caller.apiKey,
      );
      expectNothingOfVictim(body);
      if (callerName === 'another owner') {
        const viewer = await gateway.graphql(ViewerDocument, {}, body.data!.createApiKey.secret);
        expect(viewer.body.data!.viewer.id).toBe(caller.id);
      } else if (callerName === 'a lender') {
        expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      } else {
        expectRefused(body);
      }
    },
  );

  isolationCase('Mutation.revokeApiKey', 'revokeApiKey(id) cannot revoke the owner’s keys', async (caller) => {
    for (const id of [...victim.apiKeyIds, ...guessedIds()])
      expectRefused((await gateway.graphql(RevokeApiKeyDocument, { id }, caller.apiKey)).body);
    expect((await gateway.graphql(ViewerDocument, {}, victim.apiKey)).body.data!.viewer.id).toBe(victim.id);
  });

  isolationCase(
    'Mutation.createConnectLink',
    'createConnectLink makes a link for the caller’s own journey only, which reads nothing of the owner',
    async (caller, callerName) => {
      const institutionId = await sandboxInstitutionId(gateway, victim.apiKey, 'Sandbox Berlin Group Bank');
      const { body } = await gateway.graphql(
        CreateConnectLinkDocument,
        { redirectUri: REDIRECT_URI, institutionId },
        caller.apiKey,
      );
      expectNothingOfVictim(body);
      if (callerName !== 'another owner') return expectRefused(body);
      const token = new URL(body.data!.createConnectLink.url).searchParams.get('link');
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `ConnectLink ${token}` },
        body: JSON.stringify({ query: print(AccountsDocument) }),
      });
      const answer = (await response.json()) as ExecutionResult<unknown>;
      expectRefused(answer);
      expectNothingOfVictim(answer);
    },
  );

  isolationCase(
    'Mutation.startConnection',
    'startConnection never adds to the owner’s connections, and a key without MANAGE_CONNECTIONS cannot use it',
    async (caller, callerName) => {
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
    },
  );
});

describe('the owner’s rows after every attempt', () => {
  it('are exactly as they were: connections, consents, accounts, audit trail and events', async () => {
    expect(await settledRowsOf(victim.id)).toEqual(before);
    for (const id of victim.activeConsentIds) {
      expect((await gateway.graphql(ConsentDocument, { id }, victim.apiKey)).body.data!.consent.status).toBe('ACTIVE');
    }
  });

  it('still let the owner finish the pending journey with the callback URL the others tried', async () => {
    const { body } = await gateway.graphql(
      CompleteConnectionDocument,
      { input: { callbackUrl: victim.pendingCallbackUrl } },
      victim.apiKey,
    );
    expect(body.data!.completeConnection).toMatchObject({ id: victim.pendingConsentId, status: 'ACTIVE' });
  });
});

describe('an owner’s read-only API key', () => {
  it('reads its owner’s connections and accounts, as READ allows', async () => {
    const { body } = await gateway.graphql(ConnectionsDocument, {}, victim.readOnlyKey.apiKey);
    expect(body.data!.connections.map((connection) => connection.id).sort()).toEqual([...victim.connectionIds].sort());
    const accounts = await gateway.graphql(AccountsDocument, {}, victim.readOnlyKey.apiKey);
    expect(accounts.body.data!.accounts.map((account) => account.id).sort()).toEqual(
      expect.arrayContaining(victim.accountIds),
    );
  });

  it('cannot start a connection at all, not even a read-only one', async () => {
    const before = await settledRowsOf(victim.id);
    const institutionId = await sandboxInstitutionId(gateway, victim.readOnlyKey.apiKey, 'Sandbox STET Bank');
    for (const scopes of [undefined, ['ACCOUNTS'] as const, ['PAYMENTS'] as const]) {
      const { body } = await gateway.graphql(
        StartConnectionDocument,
        {
          input: {
            institutionId,
            validForDays: 30,
            historyDays: 30,
            redirectUri: REDIRECT_URI,
            ...(scopes ? { scopes: [...scopes] } : {}),
          },
        },
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
      expect(
        (await gateway.graphql(RevokeConsentDocument, { id, purge: true }, key)).body.errors?.[0].extensions?.code,
      ).toBe('FORBIDDEN');
      expect((await gateway.graphql(RenewConsentDocument, { id }, key)).body.errors?.[0].extensions?.code).toBe(
        'FORBIDDEN',
      );
    }
    for (const callbackUrl of victim.usedCallbackUrls) {
      expect(
        (await gateway.graphql(CompleteConnectionDocument, { input: { callbackUrl } }, key)).body.errors?.[0].extensions
          ?.code,
      ).toBe('FORBIDDEN');
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
function subscribeAs(apiKey: string, query: string, variables: Record<string, unknown>) {
  const received: Array<FormattedExecutionResult<Record<string, unknown>, unknown>> = [];
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
  client.subscribe(
    { query, variables },
    {
      next: (result) => received.push(result),
      error: (error) => (failure = error),
      complete: () => undefined,
    },
  );
  return { received, failure: () => failure, ready, close: () => client.dispose() };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Each subscription, asked from the beginning ("0") and, where it takes them, for the owner's own ids. */
const SUBSCRIPTIONS = {
  'Subscription.consentStatusChanged': () => [
    { query: print(ConsentStatusChangedDocument), variables: { after: '0' } },
  ],
  'Subscription.paymentStatusChanged': () => [
    { query: print(PaymentStatusChangedDocument), variables: { after: '0' } },
  ],
  'Subscription.syncProgress': () => [
    { query: SYNC_PROGRESS, variables: { after: '0' } },
    { query: SYNC_PROGRESS, variables: { after: '0', connectionId: victim.stetConnectionId } },
  ],
  'Subscription.transactionAdded': () => [
    { query: TRANSACTION_ADDED, variables: { after: '0' } },
    { query: TRANSACTION_ADDED, variables: { after: '0', accountIds: victim.accountIds } },
  ],
  'Subscription.reconciliationUpdated': () => [{ query: RECONCILIATION_UPDATED, variables: { after: '0' } }],
  'Subscription.transactionChanged': () => [
    { query: TRANSACTION_CHANGED, variables: { after: '0' } },
    { query: TRANSACTION_CHANGED, variables: { after: '0', accountIds: victim.accountIds } },
  ],
} as const;
const SYNC_PROGRESS =
  'subscription($after: String, $connectionId: ID) { syncProgress(after: $after, connectionId: $connectionId) { cursor connectionId state added } }';
const TRANSACTION_ADDED =
  'subscription($after: String, $accountIds: [ID!]) { transactionAdded(after: $after, accountIds: $accountIds) { cursor transaction { id amount account { id iban } } } }';
const RECONCILIATION_UPDATED =
  'subscription($after: String) { reconciliationUpdated(after: $after) { cursor state match { id transaction { id } invoice { id number } } } }';
const TRANSACTION_CHANGED =
  'subscription($after: String, $accountIds: [ID!]) { transactionChanged(after: $after, accountIds: $accountIds) { cursor kind transaction { id amount account { id iban } } } }';

describe('subscriptions', () => {
  for (const field of Object.keys(SUBSCRIPTIONS)) coveredRootFields.add(field);

  it('deliver none of an owner’s events to other callers, replayed from "0" or live while the owner revokes a consent and syncs a bank', async () => {
    const open = (apiKey: string) =>
      Object.entries(SUBSCRIPTIONS).flatMap(([field, requests]) =>
        requests().map((request) => ({
          field,
          variables: request.variables,
          subscription: subscribeAs(apiKey, request.query, request.variables),
        })),
      );
    // The owner's own read-only key listens too: it must see every kind of event, so the others had the time to.
    const witness = open(victim.readOnlyKey.apiKey);
    const others = INTRUDERS.map((name) => ({ name, subscriptions: open(intruders[name].apiKey) }));
    const everything = [...witness, ...others.flatMap(({ subscriptions }) => subscriptions)];
    const events = (subscription: ReturnType<typeof subscribeAs>) =>
      subscription.received.filter((result) => result.data);
    try {
      await Promise.all(everything.map(({ subscription }) => subscription.ready));
      await until(() => witness.every(({ subscription }) => events(subscription).length > 0), 10_000);

      const [revokedId] = victim.activeConsentIds;
      const syncsBefore = events(
        witness.find(({ field }) => field === 'Subscription.syncProgress')!.subscription,
      ).length;
      expect(
        (await gateway.graphql(RevokeConsentDocument, { id: revokedId }, victim.apiKey)).body.data!.revokeConsent
          .status,
      ).toBe('REVOKED');
      expect(
        (await gateway.graphql(RefreshConnectionDocument, { id: victim.stetConnectionId }, victim.apiKey)).body.data!
          .refreshConnection.connectionId,
      ).toBe(victim.stetConnectionId);
      await until(
        () =>
          JSON.stringify(
            witness.find(({ field }) => field === 'Subscription.consentStatusChanged')!.subscription.received,
          ).includes('REVOKED') &&
          events(witness.find(({ field }) => field === 'Subscription.syncProgress')!.subscription).length >=
            syncsBefore + 2,
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      for (const { name, subscriptions } of others) {
        for (const { field, variables, subscription } of subscriptions) {
          const outcome = {
            caller: name,
            field,
            variables,
            received: subscription.received,
            failure: subscription.failure(),
          };
          expectNothingOfVictim({ ...outcome, variables: undefined });
          if (name === 'a lender') {
            // A lender acts for no owner: every subscription is refused.
            const errors = [
              ...subscription.received.flatMap((result) => result.errors ?? []),
              ...((subscription.failure() as GraphQLFormattedError[] | undefined) ?? []),
            ];
            expect({ field, codes: errors.map((error) => error.extensions?.code) }).toEqual({
              field,
              codes: ['FORBIDDEN'],
            });
            expect(events(subscription)).toEqual([]);
          } else {
            expect({
              field,
              failure: subscription.failure(),
              errors: subscription.received.flatMap((result) => result.errors ?? []),
            }).toEqual({ field, failure: undefined, errors: [] });
          }
        }
      }
    } finally {
      await Promise.all(everything.map(({ subscription }) => subscription.close()));
    }
  });
});

describe('Subscription.dataShareChanged', () => {
  coveredRootFields.add('Subscription.dataShareChanged');

  it('tells only the share’s own lender of the owner’s shares, and refuses keys without READ_SHARED', async () => {
    const query =
      'subscription($after: String) { dataShareChanged(after: $after) { cursor change share { id status } } }';
    const witness = subscribeAs(victim.shareLender.apiKey, query, { after: '0' });
    const others = INTRUDERS.map((name) => ({
      name,
      subscription: subscribeAs(intruders[name].apiKey, query, { after: '0' }),
    }));
    try {
      await Promise.all([witness.ready, ...others.map(({ subscription }) => subscription.ready)]);
      const created = await gateway.graphql(
        CreateDataShareDocument,
        { input: { lenderId: victim.shareLender.id } },
        victim.apiKey,
      );
      await gateway.graphql(RevokeDataShareDocument, { id: created.body.data!.createDataShare.id }, victim.apiKey);
      await until(
        () =>
          JSON.stringify(witness.received).includes('REVOKED') &&
          JSON.stringify(witness.received).includes(victim.shareId),
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const { name, subscription } of others) {
        expectNothingOfVictim({ received: subscription.received, failure: subscription.failure() });
        expect(subscription.received.filter((result) => result.data)).toEqual([]);
        const errors = [
          ...subscription.received.flatMap((result) => result.errors ?? []),
          ...((subscription.failure() as GraphQLFormattedError[] | undefined) ?? []),
        ];
        expect({ name, codes: errors.map((error) => error.extensions?.code) }).toEqual({
          name,
          codes: name === 'a lender' ? [] : ['FORBIDDEN'],
        });
      }
    } finally {
      await Promise.all([witness.close(), ...others.map(({ subscription }) => subscription.close())]);
    }
  });
});

describe('this suite', () => {
  it('has an isolation case for every query, mutation and subscription in schema/schema.graphql', () => {
    const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap(
      (type) => (type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []),
    );
    expect(rootFields.length).toBeGreaterThan(0);
    expect(rootFields.filter((field) => !coveredRootFields.has(field))).toEqual([]);
    expect([...coveredRootFields].filter((field) => !rootFields.includes(field))).toEqual([]);
  });
});
