/**
 * `npm run principal -- create --kind owner|lender --name "Atelier Dupont SARL" [--redirect-uri https://app.example/*]...`
 *
 * The operator's way to create owners and lenders on a real database (DATABASE_URL), each with a first API key that
 * carries every scope of its kind. The key is printed once: only its hash is stored. Owners then make narrower keys
 * themselves (`createApiKey`). Migrations run first, so it also works on a fresh database.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createDataSource, runMigrations } from '../src/db/data-source';
import { entities } from '../src/modules';
import { LENDER_SCOPES, OWNER_SCOPES } from '../src/modules/principals/api-scope';
import { PrincipalKind } from '../src/modules/principals/principal.entity';
import { PrincipalsService } from '../src/modules/principals/principals.service';

const USAGE =
  'usage: npm run principal -- create --kind owner|lender --name "<display name>" [--redirect-uri <uri, may end with *>]...';
const KINDS = { owner: PrincipalKind.OWNER, lender: PrincipalKind.LENDER } as const;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const kind = KINDS[values.kind as keyof typeof KINDS];
  const name = values.name?.trim();
  if (positionals.join(' ') !== 'create' || !kind || !name || name.length > 200) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error(
      'DATABASE_URL is not set: this command works on a real database (the embedded default seeds a demo owner and lender itself)',
    );
    return 2;
  }
  const dataSource = createDataSource({ url: config.databaseUrl, entities });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const principals = new PrincipalsService(dataSource);
    const principal = await principals.create({
      kind,
      displayName: name,
      redirectUris: kind === PrincipalKind.OWNER ? (values['redirect-uri'] ?? []) : [],
    });
    const scopes = kind === PrincipalKind.OWNER ? OWNER_SCOPES : LENDER_SCOPES;
    const apiKey = await principals.issueApiKey(principal.id, [...scopes], 'first key (npm run principal)');
    console.log(JSON.stringify({ id: principal.id, kind, displayName: name, scopes, apiKey }, null, 2));
    console.error('The API key is shown this once: store it now.');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`principal: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
