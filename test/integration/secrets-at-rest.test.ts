import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSchema, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { Consent } from '../../src/modules/connections/consent.entity';
import { AccountsDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { TEST_DATABASE_URL } from '../support/services';
import { startTestGateway, testTarget, type TestGateway } from '../support/test-gateway';

/**
 * Issue 4: provider tokens and consent ids are encrypted at rest, and no bank credential has a place anywhere. The
 * secrets are taken where they really travel (the bank's redirect, the requests the bank received), then the whole
 * database is dumped as text and searched for them.
 */

let gateway: TestGateway;

interface Secrets {
  /** The Berlin Group bank's consent id, as its redirect carried it (`consentId=`). */
  berlinGroupConsentId: string;
  /** Every bearer token the STET bank received from the gateway. */
  stetBearerTokens: string[];
}

let secrets: Secrets;
let journeyConsentIds: string[];
let ibans: string[];

beforeAll(async () => {
  gateway = await startTestGateway();
  const owner = await gateway.makeOwner();
  const { apiKey } = owner;

  const berlinGroup = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
  gateway.sandbox!.clearRequests();
  const stet = await connectSandbox(gateway, apiKey, 'Sandbox STET Bank', { psuId: 'bob' });
  for (const journey of [berlinGroup, stet]) expect(journey.finalRedirect.searchParams.get('status')).toBe('ACTIVE');

  secrets = {
    berlinGroupConsentId: new URL(berlinGroup.bankRedirect).searchParams.get('consentId') ?? '',
    stetBearerTokens: [
      ...new Set(
        gateway
          .sandbox!.requests('stet')
          .map((request) => request.bearerToken)
          .filter((token): token is string => Boolean(token)),
      ),
    ],
  };
  journeyConsentIds = [berlinGroup.consentId, stet.consentId];
  await settled(owner.id);
  ibans = (await gateway.graphql(AccountsDocument, {}, apiKey)).body.data!.accounts.map((account) => account.iban!);
});
afterAll(() => gateway?.close());

/** Waits until the owner's rows stop changing, so the dump also holds what the first sync after each journey wrote. */
async function settled(ownerId: string): Promise<void> {
  const snapshot = async () =>
    JSON.stringify(
      await gateway.dataSource.query(
        'SELECT (SELECT max(last_sequence) FROM outbox_batch WHERE owner_id = $1) AS events, (SELECT max(updated_at) FROM consent WHERE owner_id = $1) AS consents',
        [ownerId],
      ),
    );
  let previous = await snapshot();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = await snapshot();
    if (current === previous) return;
    previous = current;
  }
  throw new Error('the owner’s rows kept changing for 25 s');
}

/** The ways a secret could sit in a text dump without being encrypted: as is, or merely encoded. */
function clearForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    ...new Set([
      secret,
      secret.toLowerCase(),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      encodeURIComponent(secret),
    ]),
  ];
}

/** Where in the dump a secret shows in clear: one line of context per hit, or nothing. */
function findInClear(dump: string, secret: string): string[] {
  const lower = dump.toLowerCase();
  return clearForms(secret).flatMap((form) => {
    const hits: string[] = [];
    for (let at = lower.indexOf(form.toLowerCase()); at >= 0; at = lower.indexOf(form.toLowerCase(), at + 1)) {
      hits.push(dump.slice(Math.max(0, at - 120), at + form.length + 40));
    }
    return hits;
  });
}

/**
 * Every row of every table in `public`, as Postgres prints a row: what any SQL reader of the database can see. One
 * text per table: the shared test database holds every suite's rows, too many for one string.
 */
async function sqlDump(): Promise<{ tables: string[]; texts: string[] }> {
  const tables = (
    (await gateway.dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    )) as Array<{ table_name: string }>
  ).map((row) => row.table_name);
  const texts: string[] = [];
  for (const table of tables) {
    const rows = (await gateway.dataSource.query(
      `SELECT t::text AS row FROM "public"."${table.replace(/"/g, '""')}" t`,
    )) as Array<{ row: string }>;
    for (let from = 0; from === 0 || from < rows.length; from += 10_000) {
      texts.push(
        `-- ${table}\n${rows
          .slice(from, from + 10_000)
          .map((row) => row.row)
          .join('\n')}`,
      );
    }
  }
  return { tables, texts };
}

async function pgDump(): Promise<string> {
  const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--dbname', TEST_DATABASE_URL], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout;
}

describe('the secrets this suite looks for', () => {
  it('are the real ones: the consent id the Berlin Group bank redirected with and the tokens the STET bank received', () => {
    expect(secrets.berlinGroupConsentId.length).toBeGreaterThanOrEqual(16);
    expect(secrets.stetBearerTokens.length).toBeGreaterThan(0);
    for (const token of secrets.stetBearerTokens) expect(token.length).toBeGreaterThanOrEqual(16);
  });

  it('are kept by the gateway, encrypted, while the consents are active', async () => {
    const consents = await gateway.dataSource.getRepository(Consent).findBy(journeyConsentIds.map((id) => ({ id })));
    expect(consents.map((consent) => consent.status)).toEqual(['ACTIVE', 'ACTIVE']);
    for (const consent of consents) expect(consent.providerConsentIdEnc).toEqual(expect.any(String));
    expect(consents.filter((consent) => consent.providerTokensEnc)).toHaveLength(1);
  });
});

const secretKinds = [
  ['the Berlin Group bank’s consent id', () => [secrets.berlinGroupConsentId]],
  ['the STET bank’s bearer tokens', () => secrets.stetBearerTokens],
] as const;

describe('a SQL dump of every table in the public schema, taken after both journeys', () => {
  let dump: { tables: string[]; texts: string[] };
  beforeAll(async () => {
    dump = await sqlDump();
  });

  it('covers the journey’s tables and rows', () => {
    expect(dump.tables).toEqual(
      expect.arrayContaining([
        'principal',
        'api_key',
        'connection',
        'consent',
        'account',
        'audit_event',
        'outbox_batch',
      ]),
    );
    for (const marker of [...journeyConsentIds, ...ibans])
      expect(dump.texts.filter((text) => text.includes(marker))).not.toEqual([]);
  });

  for (const [kind, values] of secretKinds) {
    it(`holds ${kind} nowhere in clear`, () => {
      for (const secret of values()) expect(dump.texts.flatMap((text) => findInClear(text, secret))).toEqual([]);
    });
  }
});

describe('pg_dump of the test database, taken after both journeys', () => {
  // pg_dump cannot read the embedded target's PGlite database; there, the SQL dump above is the dump.
  const onServices = testTarget === 'services';
  const skipped = ' (skipped on the embedded target: pg_dump cannot read the embedded PGlite database)';
  let dump: string;
  beforeAll(async () => {
    if (onServices) dump = await pgDump();
  });

  (onServices ? it : it.skip)(`includes the journey’s rows${onServices ? '' : skipped}`, () => {
    for (const marker of [...journeyConsentIds, ...ibans]) expect(dump).toContain(marker);
  });

  for (const [kind, values] of secretKinds) {
    const test = onServices ? it : it.skip;
    test(`holds ${kind} nowhere in clear${onServices ? '' : skipped}`, () => {
      for (const secret of values()) expect(findInClear(dump, secret)).toEqual([]);
    });
  }
});

/** Name parts that would mean a bank credential is stored or asked for (Passerelle only ever redirects to the bank's SCA). */
const CREDENTIAL_WORDS = new Set([
  'password',
  'passwd',
  'passcode',
  'passphrase',
  'pin',
  'pincode',
  'otp',
  'credential',
  'credentials',
]);

function credentialWords(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.toLowerCase());
  return words.filter((word) => CREDENTIAL_WORDS.has(word));
}

describe('bank credentials', () => {
  it('have no column in the database schema', async () => {
    const columns = (
      (await gateway.dataSource.query(
        "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'public'",
      )) as Array<{ name: string }>
    ).map((row) => row.name);
    expect(columns).toEqual(expect.arrayContaining(['consent.provider_tokens_enc', 'api_key.secret_hash']));
    expect(columns.filter((column) => credentialWords(column).length > 0)).toEqual([]);
  });

  it('have no field, argument or input field in the GraphQL schema', () => {
    const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
    const names: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          names.push(
            `${type.name}.${field.name}`,
            ...field.args.map((arg) => `${type.name}.${field.name}(${arg.name})`),
          );
        }
      } else if (isInputObjectType(type)) {
        names.push(...Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
      }
    }
    expect(names).toEqual(
      expect.arrayContaining(['Mutation.startConnection(input)', 'CompleteConnectionInput.callbackUrl']),
    );
    expect(names.filter((name) => credentialWords(name).length > 0)).toEqual([]);
  });

  it('are recognised by the name check, so the two tests above can fail', () => {
    expect(
      ['psu_password', 'otpCode', 'bankPin', 'pin', 'loginCredentials', 'Mutation.login(password)'].map(
        credentialWords,
      ),
    ).toEqual([['password'], ['otp'], ['pin'], ['pin'], ['credentials'], ['password']]);
    expect(['shipping_address', 'opinion', 'mapping', 'spinner', 'hotpot'].flatMap(credentialWords)).toEqual([]);
  });
});
