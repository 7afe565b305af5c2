import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A 256-bit AES key and the id its ciphertexts carry, derived from the key so configuration holds the key alone. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
// NIST SP 800-38D §8.2.2: random 96-bit IVs keep GCM safe for up to 2^32 messages under one key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function encryptionKey(key: Buffer): EncryptionKey {
  if (key.length !== KEY_BYTES) throw new Error(`an encryption key must be ${KEY_BYTES} bytes, not ${key.length}`);
  // A hash of a random 256-bit key reveals nothing usable about it, and tells keys apart after a rotation.
  const id = createHash('sha256').update('passerelle-key-id:').update(key).digest('base64url').slice(0, 11);
  return { id, key };
}

/** A ciphertext that cannot be decrypted: malformed, tampered with, or under a key that is not configured. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * AES-256-GCM for secrets kept at rest (provider tokens, provider consent ids). A ciphertext reads
 * `v1:<keyId>:<base64url(iv | ciphertext | tag)>`; its `v1:<keyId>` header is authenticated too, so it cannot be
 * relabelled. Encrypts with the current key and decrypts with any configured one, so keys can rotate: configure the
 * new key as current and the old one as previous until every row has been re-encrypted.
 */
export class TokenCipher {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly current: EncryptionKey,
    previous: readonly EncryptionKey[] = [],
  ) {
    for (const { id, key } of [current, ...previous]) {
      if (this.keys.has(id)) throw new Error(`encryption key ${id} is configured twice`);
      this.keys.set(id, key);
    }
  }

  encrypt(plaintext: string): string {
    const header = `${VERSION}:${this.current.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}:${body.toString('base64url')}`;
  }

  decrypt(ciphertext: string): string {
    const [version, keyId, encoded, ...rest] = ciphertext.split(':');
    if (version !== VERSION || !keyId || encoded === undefined || rest.length || !/^[\w-]*$/.test(encoded)) {
      throw new DecryptionError(`not a ${VERSION} ciphertext`);
    }
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError(`encrypted with key ${keyId}, which is not configured`);
    const body = Buffer.from(encoded, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('ciphertext is truncated');
    const decipher = createDecipheriv(ALGORITHM, key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${version}:${keyId}`));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new DecryptionError(`ciphertext under key ${keyId} failed authentication: it was altered`);
    }
  }

  /** False for a ciphertext under a previous key, which a rotation should re-encrypt. */
  isUnderCurrentKey(ciphertext: string): boolean {
    return ciphertext.startsWith(`${VERSION}:${this.current.id}:`);
  }
}
