import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config';
import { KEY_FILE_NAME, loadOrCreateEncryptionKey, parseEncryptionKey } from './encryption-key';
import { TokenCipher } from './token-cipher';

describe('the embedded default encryption key', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'passerelle-key-')), 'data');
  });
  afterEach(async () => {
    await fs.rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('is created once, readable by its owner only, and reused on every later start', async () => {
    const first = await loadOrCreateEncryptionKey(dataDir);
    const file = path.join(dataDir, KEY_FILE_NAME);
    const { mode } = await fs.stat(file);
    expect(mode & 0o777).toBe(0o600);
    const written = await fs.readFile(file, 'utf8');
    expect(Buffer.from(written.trim(), 'base64')).toEqual(first.key);

    const second = await loadOrCreateEncryptionKey(dataDir);
    expect(second).toEqual(first);
    expect(await fs.readFile(file, 'utf8')).toBe(written);
    expect(await fs.readdir(dataDir)).toEqual([KEY_FILE_NAME]);
    expect(new TokenCipher(second).decrypt(new TokenCipher(first).encrypt('token'))).toBe('token');
  });

  it('is the same key for processes that start together on a fresh data directory', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateEncryptionKey(dataDir)));
    expect(new Set(keys.map((key) => key.id)).size).toBe(1);
    expect(await fs.readdir(dataDir)).toEqual([KEY_FILE_NAME]);
  });

  it('refuses a key file that does not hold a key, naming the file', async () => {
    await fs.mkdir(dataDir);
    await fs.writeFile(path.join(dataDir, KEY_FILE_NAME), 'not a key\n');
    await expect(loadOrCreateEncryptionKey(dataDir)).rejects.toThrow(path.join(dataDir, KEY_FILE_NAME));
  });
});

describe('an encryption key from configuration', () => {
  it('is base64 of 32 bytes', () => {
    const text = Buffer.alloc(32, 7).toString('base64');
    expect(parseEncryptionKey(`${text}\n`).key).toEqual(Buffer.alloc(32, 7));
  });

  it.each([
    ['too short', Buffer.alloc(16, 1).toString('base64')],
    ['too long', Buffer.alloc(48, 1).toString('base64')],
    ['not base64', `${'!'.repeat(43)}=`],
    ['hex instead of base64', Buffer.alloc(32, 1).toString('hex')],
    ['empty', ''],
  ])('is refused when %s, with an error naming ENCRYPTION_KEY and not echoing it', (_case, text) => {
    let error: unknown;
    try {
      parseEncryptionKey(text);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^invalid configuration: ENCRYPTION_KEY must be 32 bytes in base64/);
    if (text) expect((error as Error).message).not.toContain(text);
  });
});
