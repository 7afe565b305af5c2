export { KEY_FILE_NAME, loadOrCreateEncryptionKey, parseEncryptionKey } from './encryption-key';
export { DecryptionError, encryptionKey, TokenCipher, type EncryptionKey } from './token-cipher';
