import type { DataSource } from 'typeorm';
import { ConsentAccess } from '../../src/modules/connections/consent-access';
import { ConsentSecrets } from '../../src/modules/connections/consent-secrets';
import { ProviderRegistry } from '../../src/modules/institutions/provider-registry';
import { parseEncryptionKey } from '../../src/security/encryption-key';
import { TokenCipher } from '../../src/security/token-cipher';
import { lookupKey } from '../../src/server/gateway';

/**
 * Reads a connection's bank with the gateway's own adapters and secrets, from outside the gateway: what the fault
 * suite's worker process syncs through, and what the suite reads the bank's ledger with at the end.
 */
export function bankAccess(dataSource: DataSource, sandboxBaseUrl: string, encryptionKey: string): ConsentAccess {
  const key = parseEncryptionKey(encryptionKey);
  const registry = new ProviderRegistry({ sandboxBaseUrl: () => sandboxBaseUrl });
  return new ConsentAccess(dataSource, registry, new ConsentSecrets(new TokenCipher(key), lookupKey(key)));
}
