import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Account } from '../../src/modules/accounts/account.entity';
import { seedSandboxInstitutions } from '../../src/modules/institutions/institution.seed';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import { ConnectionsDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { runMigrations } from '../../src/db/data-source';
import { withOwnDatabase } from '../support/own-database';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

describe('one account per owner and bank account', () => {
  it('reuses the accounts and their transactions when the same bank login is connected twice', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
    await gateway.jobs.whenIdle();
    const accountsBefore = await gateway.dataSource
      .getRepository(Account)
      .find({ where: { ownerId: owner.id }, order: { id: 'ASC' } });
    const linesBefore = await gateway.dataSource.getRepository(Transaction).count({ where: { ownerId: owner.id } });
    expect(accountsBefore.length).toBeGreaterThan(0);

    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank', { validForDays: 180 });
    await gateway.jobs.whenIdle();
    const connections = (await gateway.graphql(ConnectionsDocument, {}, owner.apiKey)).body.data!.connections;
    expect(connections).toHaveLength(2);
    const accountsAfter = await gateway.dataSource
      .getRepository(Account)
      .find({ where: { ownerId: owner.id }, order: { id: 'ASC' } });
    expect(accountsAfter.map((account) => [account.id, account.iban])).toEqual(
      accountsBefore.map((account) => [account.id, account.iban]),
    );
    // The rows now belong to the newer connection, whose consent reads them.
    expect(new Set(accountsAfter.map((account) => account.connectionId)).size).toBe(1);
    expect(accountsAfter[0].connectionId).not.toBe(accountsBefore[0].connectionId);
    expect(await gateway.dataSource.getRepository(Transaction).count({ where: { ownerId: owner.id } })).toBe(
      linesBefore,
    );
  });
});

describe('merging the duplicate accounts already stored (migration OneAccountPerBankAccount)', () => {
  // A database of its own: the migration is run down and up again, which the shared test database must not see.
  const onServices = testTarget === 'services' ? it : it.skip;

  onServices(
    'keeps the oldest account id on the newest connection, each line once, and an invoice paid once',
    async () => {
      await withOwnDatabase(async (dataSource) => {
        const hasInstitutionColumn = async () =>
          (
            (await dataSource.query(
              `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'account' AND column_name = 'institution_id'`,
            )) as Array<{ n: number }>
          )[0].n > 0;
        while (await hasInstitutionColumn()) await dataSource.undoLastMigration();
        const stored = await storeDuplicates(dataSource);
        await runMigrations(dataSource);

        const accounts = (await dataSource.query(
          `SELECT id, connection_id, provider_account_id FROM account WHERE owner_id = $1`,
          [stored.ownerId],
        )) as Array<Record<string, string>>;
        expect(accounts).toEqual([
          { id: stored.olderAccount, connection_id: stored.newerConnection, provider_account_id: 'resource-2' },
        ]);
        const lines = (await dataSource.query(
          `SELECT id, account_id, provider_transaction_id FROM "transaction" WHERE owner_id = $1 ORDER BY provider_transaction_id`,
          [stored.ownerId],
        )) as Array<Record<string, string>>;
        expect(lines).toEqual([
          { id: stored.newerOnlyLine, account_id: stored.olderAccount, provider_transaction_id: 'newer-only' },
          { id: stored.sharedLine, account_id: stored.olderAccount, provider_transaction_id: 'shared' },
        ]);
        const [invoice] = (await dataSource.query(`SELECT amount_paid::text, status FROM invoice WHERE id = $1`, [
          stored.invoiceId,
        ])) as Array<Record<string, string>>;
        expect(invoice).toEqual({ amount_paid: '100.00000', status: 'PAID' });
        const matches = (await dataSource.query(`SELECT transaction_id FROM "match" WHERE invoice_id = $1`, [
          stored.invoiceId,
        ])) as Array<Record<string, string>>;
        expect(matches).toEqual([{ transaction_id: stored.sharedLine }]);
      });
    },
  );
});

/** Two connections of one owner to one bank, each with the same account: what connecting a login twice stored. */
async function storeDuplicates(dataSource: DataSource) {
  await seedSandboxInstitutions(dataSource);
  const [{ id: institutionId }] = (await dataSource.query(
    `SELECT id FROM institution ORDER BY slug LIMIT 1`,
  )) as Array<{ id: string }>;
  const [{ id: ownerId }] = (await dataSource.query(
    `INSERT INTO principal (kind, display_name) VALUES ('OWNER', 'duplicated') RETURNING id`,
  )) as Array<{ id: string }>;
  const connection = async (createdAt: string) =>
    (
      (await dataSource.query(
        `INSERT INTO connection (owner_id, institution_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
        [ownerId, institutionId, createdAt],
      )) as Array<{ id: string }>
    )[0].id;
  const olderConnection = await connection('2026-01-01');
  const newerConnection = await connection('2026-02-01');
  const account = async (connectionId: string, resource: string, createdAt: string) =>
    (
      (await dataSource.query(
        `INSERT INTO account (connection_id, owner_id, provider_account_id, iban, name, currency, type, created_at) VALUES ($1, $2, $3, 'FR7630006000011234567890189', 'Main', 'EUR', 'CURRENT', $4) RETURNING id`,
        [connectionId, ownerId, resource, createdAt],
      )) as Array<{ id: string }>
    )[0].id;
  const olderAccount = await account(olderConnection, 'resource-1', '2026-01-01');
  const newerAccount = await account(newerConnection, 'resource-2', '2026-02-01');
  const line = async (accountId: string, providerId: string) => {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO "transaction" (id, account_id, owner_id, provider_transaction_id, status, amount, currency, date, fingerprint) VALUES ($1, $2, $3, $4, 'BOOKED', 100, 'EUR', '2026-01-15', $5)`,
      [id, accountId, ownerId, providerId, `fp-${providerId}`],
    );
    return id;
  };
  const sharedLine = await line(olderAccount, 'shared');
  const sharedCopy = await line(newerAccount, 'shared');
  const newerOnlyLine = await line(newerAccount, 'newer-only');
  const [{ id: invoiceId }] = (await dataSource.query(
    `INSERT INTO invoice (owner_id, number, customer_name, amount, currency, issue_date, due_date, status, amount_paid) VALUES ($1, 'F-1', 'Client', 100, 'EUR', '2026-01-01', '2026-01-31', 'OVERPAID', 200) RETURNING id`,
    [ownerId],
  )) as Array<{ id: string }>;
  for (const transactionId of [sharedLine, sharedCopy]) {
    await dataSource.query(
      `INSERT INTO "match" (owner_id, link_id, transaction_id, invoice_id, amount, score, signals, decision, state) VALUES ($1, $2, $3, $4, 100, 1, '{}', 'AUTO', 'AUTO_CONFIRMED')`,
      [ownerId, randomUUID(), transactionId, invoiceId],
    );
  }
  return { ownerId, olderAccount, newerConnection, sharedLine, newerOnlyLine, invoiceId };
}
