import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  CreateDataShareDocument,
  RevokeApiKeyDocument,
  TransactionsDocument,
  ViewerDocument,
} from '../generated/graphql';
import { TEST_DATABASE_URL } from '../support/services';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

/** Issue 11: owners manage their own API keys; an operator command makes owners and lenders on a real database. */

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

describe('an owner’s API keys', () => {
  it('makes a read-only key for an accounting tool, whose secret is shown once and reads but cannot share', async () => {
    const owner = await gateway.makeOwner();
    const { body } = await gateway.graphql(
      CreateApiKeyDocument,
      { label: 'accounting tool', scopes: ['READ'] },
      owner.apiKey,
    );
    const { apiKey, secret } = body.data!.createApiKey;
    expect(apiKey).toMatchObject({ label: 'accounting tool', scopes: ['READ'] });
    expect(secret.startsWith(`psk_${apiKey.prefix}_`)).toBe(true);

    expect((await gateway.graphql(ViewerDocument, {}, secret)).body.data!.viewer).toMatchObject({
      id: owner.id,
      scopes: ['READ'],
    });
    expect((await gateway.graphql(TransactionsDocument, { first: 1 }, secret)).body.errors).toBeUndefined();
    const share = await gateway.graphql(CreateDataShareDocument, { input: { lenderId: owner.id } }, secret);
    expect(share.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);

    const listed = await gateway.graphql(ApiKeysDocument, {}, owner.apiKey);
    expect(listed.body.data!.apiKeys.map((key) => key.id)).toContain(apiKey.id);
    expect(JSON.stringify(listed.body)).not.toContain(secret.split('_')[2]);
  });

  it('never gives a scope the calling key lacks, and names the field', async () => {
    const owner = await gateway.makeOwner();
    const readOnly = (await gateway.graphql(CreateApiKeyDocument, { label: 'read', scopes: ['READ'] }, owner.apiKey))
      .body.data!.createApiKey.secret;
    const { body } = await gateway.graphql(
      CreateApiKeyDocument,
      { label: 'escalate', scopes: ['READ', 'INITIATE_PAYMENTS'] },
      readOnly,
    );
    expect(body.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([
      ['BAD_USER_INPUT', 'scopes'],
    ]);
    const blank = await gateway.graphql(CreateApiKeyDocument, { label: '  ', scopes: ['READ'] }, owner.apiKey);
    expect(blank.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('revokes a key at once: its next request is UNAUTHENTICATED, the owner’s other keys still work', async () => {
    const owner = await gateway.makeOwner();
    const { apiKey, secret } = (
      await gateway.graphql(CreateApiKeyDocument, { label: 'to revoke', scopes: ['READ'] }, owner.apiKey)
    ).body.data!.createApiKey;
    const revoked = await gateway.graphql(RevokeApiKeyDocument, { id: apiKey.id }, owner.apiKey);
    expect(revoked.body.data!.revokeApiKey.revokedAt).toBeTruthy();
    const after = await gateway.graphql(ViewerDocument, {}, secret);
    expect(after.status).toBe(401);
    expect((await gateway.graphql(ViewerDocument, {}, owner.apiKey)).body.data!.viewer.id).toBe(owner.id);
  });
});

const describeOnServices = testTarget === 'services' ? describe : describe.skip;

describeOnServices('the operator command', () => {
  it('creates a lender and its first key on the database, and the key works at once', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['ts-node', '--transpile-only', 'scripts/principal.ts', 'create', '--kind', 'lender', '--name', 'Crédit Exemple'],
      {
        cwd: path.join(__dirname, '../..'),
        env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL },
      },
    );
    const created = JSON.parse(stdout) as { id: string; apiKey: string };
    const { body } = await gateway.graphql(ViewerDocument, {}, created.apiKey);
    expect(body.data!.viewer).toEqual({
      id: created.id,
      kind: 'LENDER',
      displayName: 'Crédit Exemple',
      scopes: ['READ_SHARED'],
    });
  });

  it('refuses an unknown kind with its usage and exit code 2', async () => {
    await expect(
      promisify(execFile)(
        'npx',
        ['ts-node', '--transpile-only', 'scripts/principal.ts', 'create', '--kind', 'bank', '--name', 'Nope'],
        {
          cwd: path.join(__dirname, '../..'),
          env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL },
        },
      ),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run principal') });
  });
});
