/**
 * `npm run signing-key -- rotate`: lenders' snapshots are signed with a new Ed25519 key from now on. The old key
 * stays published at /.well-known/jwks.json, so snapshots it signed still verify. Works on DATABASE_URL with
 * ENCRYPTION_KEY (the key that encrypts bank tokens encrypts this one too). Gateways pick the new key up at their
 * next signature.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { createDataSource, runMigrations } from '../src/db/data-source';
import { entities } from '../src/modules';
import { SigningService } from '../src/modules/signing/signing.service';
import { parseEncryptionKey, TokenCipher } from '../src/security';

async function main(argv: string[]): Promise<number> {
  if (argv.join(' ') !== 'rotate') {
    console.error('usage: npm run signing-key -- rotate');
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl || !config.encryptionKey) {
    console.error('DATABASE_URL and ENCRYPTION_KEY must be set: the command rotates the key of a real database');
    return 2;
  }
  const dataSource = createDataSource({ url: config.databaseUrl, entities });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const signing = new SigningService({
      dataSource,
      cipher: new TokenCipher(parseEncryptionKey(config.encryptionKey)),
      now: () => new Date(),
    });
    console.log(JSON.stringify({ kid: await signing.rotate() }));
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`signing-key: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
