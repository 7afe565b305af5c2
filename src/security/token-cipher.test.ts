import { randomBytes } from 'node:crypto';
import { DecryptionError, encryptionKey, TokenCipher } from './token-cipher';

const newKey = () => encryptionKey(randomBytes(32));
const token = 'eyJhbGciOiJSUzI1NiJ9.access-token-from-the-bank';

/** Flips one bit of the encoded body at `index` bytes from its start. */
function flipBit(ciphertext: string, index: number): string {
  const at = ciphertext.lastIndexOf(':') + 1;
  const body = Buffer.from(ciphertext.slice(at), 'base64url');
  body[index] ^= 0x01;
  return ciphertext.slice(0, at) + body.toString('base64url');
}

describe('TokenCipher', () => {
  it('gives back the token it encrypted, in a versioned format naming the key', () => {
    const key = newKey();
    const cipher = new TokenCipher(key);
    const ciphertext = cipher.encrypt(token);
    expect(ciphertext).toMatch(new RegExp(`^v1:${key.id}:[A-Za-z0-9_-]+$`));
    expect(ciphertext).not.toContain('access-token');
    expect(cipher.decrypt(ciphertext)).toBe(token);
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
    expect(cipher.decrypt(cipher.encrypt('consent-é-✓'))).toBe('consent-é-✓');
  });

  it('draws a fresh IV for every encryption, so equal tokens never look equal at rest', () => {
    const cipher = new TokenCipher(newKey());
    const ciphertexts = Array.from({ length: 1000 }, () => cipher.encrypt(token));
    const ivs = ciphertexts.map((ciphertext) =>
      Buffer.from(ciphertext.split(':')[2], 'base64url').subarray(0, 12).toString('hex'),
    );
    expect(new Set(ciphertexts).size).toBe(1000);
    expect(new Set(ivs).size).toBe(1000);
  });

  it('refuses a ciphertext altered anywhere: IV, body, tag, header or length', () => {
    const key = newKey();
    const cipher = new TokenCipher(key);
    const ciphertext = cipher.encrypt(token);
    const length = Buffer.from(ciphertext.split(':')[2], 'base64url').length;
    for (const index of [0, 11, 12, 20, length - 16, length - 1]) {
      expect(() => cipher.decrypt(flipBit(ciphertext, index))).toThrow(
        new DecryptionError(`ciphertext under key ${key.id} failed authentication: it was altered`),
      );
    }
    expect(() => cipher.decrypt(ciphertext.slice(0, -4))).toThrow(DecryptionError);
    expect(() => cipher.decrypt(ciphertext.replace(/^v1:/, 'v2:'))).toThrow('not a v1 ciphertext');
    expect(() => cipher.decrypt(token)).toThrow('not a v1 ciphertext');
    expect(() => cipher.decrypt(`v1:${key.id}:AAAA`)).toThrow('ciphertext is truncated');
  });

  it('cannot decrypt under another key, and says which key the ciphertext needs', () => {
    const written = newKey();
    const ciphertext = new TokenCipher(written).encrypt(token);
    expect(() => new TokenCipher(newKey()).decrypt(ciphertext)).toThrow(
      new DecryptionError(`encrypted with key ${written.id}, which is not configured`),
    );
    // The same id over a different key (a forged or corrupted label) fails authentication instead.
    const impostor = new TokenCipher({ id: written.id, key: randomBytes(32) });
    expect(() => impostor.decrypt(ciphertext)).toThrow(/failed authentication/);
  });

  it('reads tokens under previous keys after a rotation and writes new ones under the current key', () => {
    const old = newKey();
    const current = newKey();
    const before = new TokenCipher(old).encrypt(token);
    const rotated = new TokenCipher(current, [old]);
    expect(rotated.decrypt(before)).toBe(token);
    expect(rotated.isUnderCurrentKey(before)).toBe(false);
    const after = rotated.encrypt(rotated.decrypt(before));
    expect(after.split(':')[1]).toBe(current.id);
    expect(rotated.isUnderCurrentKey(after)).toBe(true);
    expect(() => new TokenCipher(old).decrypt(after)).toThrow(/not configured/);
  });

  it('derives a stable key id from the key, and refuses the same key configured twice', () => {
    const bytes = randomBytes(32);
    expect(encryptionKey(bytes).id).toBe(encryptionKey(Buffer.from(bytes)).id);
    expect(encryptionKey(bytes).id).not.toBe(newKey().id);
    expect(() => encryptionKey(randomBytes(16))).toThrow('an encryption key must be 32 bytes, not 16');
    expect(() => new TokenCipher(encryptionKey(bytes), [encryptionKey(bytes)])).toThrow(/configured twice/);
  });
});
