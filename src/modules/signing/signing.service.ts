import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import { IsNull, MoreThan, type DataSource } from 'typeorm';
import type { TokenCipher } from '../../security/token-cipher';
import { SigningKey } from './signing-key.entity';

const ALGORITHM = 'EdDSA';
/** Serializes key creation across replicas starting at once, so one key (not one per replica) is made. */
const SIGNING_KEY_LOCK = 0x6a777373;
/**
 * A retired key stays published this long: longer than any share may be valid (365 days), so every snapshot signed
 * while the key was current still verifies as long as its share could matter.
 */
const RETIRED_KEY_PUBLISHED_DAYS = 400;
const DAY_MS = 86_400_000;

/** One public key as `/.well-known/jwks.json` lists it (RFC 7517). */
export type PublicJwk = JWK & { kid: string; alg: string; use: string };

/**
 * Ed25519 keys (RFC 8037) that sign what Passerelle vouches for, through `jose`. The private key is kept only
 * encrypted with the same cipher and key as bank tokens; `rotate` starts signing with a new key and keeps the old
 * one published.
 */
export class SigningService {
  private current: { kid: string; key: KeyLike | Uint8Array } | null = null;

  constructor(private readonly deps: { dataSource: DataSource; cipher: TokenCipher; now: () => Date }) {}

  /** Called on start: makes the first key when there is none. */
  async ensureKey(): Promise<void> {
    await this.deps.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      if (!(await manager.getRepository(SigningKey).existsBy({ retiredAt: IsNull() }))) {
        await manager.getRepository(SigningKey).insert(await this.newKey());
      }
    });
  }

  /** Signs with a new key from now on; the keys it replaces stay published (see RETIRED_KEY_PUBLISHED_DAYS). */
  async rotate(): Promise<string> {
    const fresh = await this.newKey();
    await this.deps.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      await manager.getRepository(SigningKey).update({ retiredAt: IsNull() }, { retiredAt: this.deps.now() });
      await manager.getRepository(SigningKey).insert(fresh);
    });
    this.current = null;
    return fresh.kid;
  }

  /** A compact JWS (EdDSA, `kid` in the header) of the claims, under the current key. */
  async sign(claims: JWTPayload, type: string): Promise<string> {
    const { kid, key } = await this.currentKey();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid, typ: type })
      .setIssuedAt(Math.floor(this.deps.now().getTime() / 1000))
      .sign(key);
  }

  /** Every key a valid signature may name: the current one and those retired recently enough. */
  async publicKeys(): Promise<PublicJwk[]> {
    const since = new Date(this.deps.now().getTime() - RETIRED_KEY_PUBLISHED_DAYS * DAY_MS);
    const keys = await this.deps.dataSource.getRepository(SigningKey).find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(since) }],
      order: { createdAt: 'DESC', kid: 'ASC' },
    });
    return keys.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: ALGORITHM, use: 'sig' }));
  }

  private async currentKey(): Promise<{ kid: string; key: KeyLike | Uint8Array }> {
    const latest = await this.deps.dataSource
      .getRepository(SigningKey)
      .findOne({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC', kid: 'ASC' } });
    if (!latest) throw new Error('no signing key: SigningService.ensureKey runs on start');
    // Another replica may have rotated: the key is re-imported only when the current kid changes.
    if (this.current?.kid !== latest.kid) {
      const jwk = JSON.parse(this.deps.cipher.decrypt(latest.privateJwkEnc)) as JWK;
      this.current = { kid: latest.kid, key: await importJWK(jwk, ALGORITHM) };
    }
    return this.current;
  }

  private async newKey(): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    return Object.assign(new SigningKey(), {
      kid,
      publicJwk: { kty: publicJwk.kty!, crv: publicJwk.crv!, x: publicJwk.x! },
      privateJwkEnc: this.deps.cipher.encrypt(JSON.stringify(await exportJWK(privateKey))),
      createdAt: this.deps.now(),
      retiredAt: null,
    });
  }
}
