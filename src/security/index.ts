export { encryptedColumn } from './encrypted-column';
export { KEY_FILE_NAME, loadOrCreateEncryptionKey, parseEncryptionKey } from './encryption-key';
export { DecryptionError, encryptionKey, TokenCipher, type EncryptionKey } from './token-cipher';
