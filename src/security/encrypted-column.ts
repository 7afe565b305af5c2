import type { ValueTransformer } from 'typeorm';
import type { TokenCipher } from './token-cipher';

/**
 * Encrypts a text column on write and decrypts it on read: `@Column({ type: 'text', transformer:
 * encryptedColumn(() => cipher) })`. Entities are declared when their module loads, before configuration gives a
 * key, so the cipher may be passed as a function called at first use. Each write draws a fresh IV, so an encrypted
 * column can never be searched by value.
 */
export function encryptedColumn(cipher: TokenCipher | (() => TokenCipher)): ValueTransformer {
  const resolve = typeof cipher === 'function' ? cipher : () => cipher;
  return {
    to: (value: string | null | undefined) => (value == null ? value : resolve().encrypt(value)),
    from: (value: string | null) => (value == null ? value : resolve().decrypt(value)),
  };
}
