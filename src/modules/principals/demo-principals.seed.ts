import fs from 'node:fs/promises';
import path from 'node:path';
import { LENDER_SCOPES, OWNER_SCOPES } from './api-scope';
import { PrincipalKind } from './principal.entity';
import type { PrincipalsService } from './principals.service';

export interface DemoKeys {
  ownerKey: string;
  lenderKey: string;
}

/** The database holds only key hashes, so the demo keys are kept beside the data to be printed again on restart. */
const DEMO_KEYS_FILE = 'demo-keys.json';

/**
 * Seeds a demo owner and a demo lender once, and returns their keys on every start. The demo owner may send the
 * consent journey back to any local URI (DESIGN.md: "any http://localhost or http://127.0.0.1 URI").
 */
export async function seedDemoPrincipals(principals: PrincipalsService, dataDir: string): Promise<DemoKeys> {
  const file = path.join(dataDir, DEMO_KEYS_FILE);
  const existing = await readKeys(file);
  if (
    existing &&
    (await principals.authenticate(existing.ownerKey)) &&
    (await principals.authenticate(existing.lenderKey))
  ) {
    return existing;
  }
  const owner = await principals.create({
    kind: PrincipalKind.OWNER,
    displayName: 'Demo owner (Atelier Dupont SARL)',
    redirectUris: ['http://localhost*', 'http://127.0.0.1*'],
  });
  const lender = await principals.create({ kind: PrincipalKind.LENDER, displayName: 'Demo lender (Crédit Exemple)' });
  const keys: DemoKeys = {
    ownerKey: await principals.issueApiKey(owner.id, [...OWNER_SCOPES], 'demo owner key'),
    lenderKey: await principals.issueApiKey(lender.id, [...LENDER_SCOPES], 'demo lender key'),
  };
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

async function readKeys(file: string): Promise<DemoKeys | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<DemoKeys>;
    return typeof parsed.ownerKey === 'string' && typeof parsed.lenderKey === 'string'
      ? { ownerKey: parsed.ownerKey, lenderKey: parsed.lenderKey }
      : null;
  } catch {
    return null;
  }
}
