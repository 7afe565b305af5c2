import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';
import { encryptionKey, KEY_BYTES, type EncryptionKey } from './token-cipher';

export const KEY_FILE_NAME = 'encryption.key';

/** A key given in configuration: base64 of 32 random bytes, e.g. from `openssl rand -base64 32`. */
export function parseEncryptionKey(text: string, variable = 'ENCRYPTION_KEY'): EncryptionKey {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Node's decoder skips characters that are not base64, so check the text itself. The key is never echoed.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new ConfigError(
      `invalid configuration: ${variable} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 ${KEY_BYTES})`,
    );
  }
  return encryptionKey(key);
}

/**
 * The embedded default's key, kept with its data in `<dataDir>/encryption.key` (mode 0600): created on first start,
 * read on every later one. Losing the file loses every provider token, so it lives and is backed up with the data.
 */
export async function loadOrCreateEncryptionKey(dataDir: string): Promise<EncryptionKey> {
  const file = path.join(dataDir, KEY_FILE_NAME);
  const existing = await readKeyFile(file);
  if (existing) return existing;

  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: link fails if the file exists, so two processes starting together agree
  // on one key and neither ever reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(draft, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.unlink(draft);
  }
  const created = await readKeyFile(file);
  if (!created) throw new Error(`${file} vanished while it was being created`);
  return created;
}

async function readKeyFile(file: string): Promise<EncryptionKey | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseEncryptionKey(text, file);
}
