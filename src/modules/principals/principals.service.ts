import { IsNull, type DataSource, type Repository } from 'typeorm';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { ApiKey } from './api-key.entity';
import { generateApiKey, parseApiKey, secretMatches } from './api-key';
import type { ApiScope } from './api-scope';
import { Principal, PrincipalKind } from './principal.entity';

/** The caller of one request, as resolved from its API key. */
export interface AuthenticatedPrincipal {
  id: string;
  kind: PrincipalKind;
  displayName: string;
  /** Whose bank data this caller acts on: itself for an owner, its owner for an API client, none for a lender. */
  actsForOwnerId: string | null;
  scopes: ApiScope[];
  apiKeyId: string;
  /** Set when the caller is a connect link (kind CONNECT_LINK): what its one consent journey may be. */
  connectLink?: ConnectLinkGrant;
}

export interface ConnectLinkGrant {
  id: string;
  redirectUri: string;
  institutionId: string | null;
}

export interface NewPrincipal {
  kind: PrincipalKind;
  displayName: string;
  ownerId?: string;
  redirectUris?: string[];
}

/**
 * How long a verified key is trusted without asking the database again: the lookup was a fifth of a trivial
 * query's time, and a revocation still takes effect within this delay on every replica.
 */
export const API_KEY_CACHE_MS = 5_000;

interface CachedKey {
  secretHash: string;
  principal: AuthenticatedPrincipal;
  expiresAt: number;
}

export class PrincipalsService {
  private readonly principals: Repository<Principal>;
  private readonly apiKeys: Repository<ApiKey>;
  /** By key prefix; the secret is still checked against the hash on every request. */
  private readonly verifiedKeys = new Map<string, CachedKey>();

  constructor(dataSource: DataSource) {
    this.principals = dataSource.getRepository(Principal);
    this.apiKeys = dataSource.getRepository(ApiKey);
  }

  async create(input: NewPrincipal): Promise<Principal> {
    if (input.kind === PrincipalKind.API_CLIENT && !input.ownerId) {
      throw new Error('an API client acts for an owner: ownerId is required');
    }
    return this.principals.save(
      this.principals.create({
        kind: input.kind,
        displayName: input.displayName,
        ownerId: input.ownerId ?? null,
        redirectUris: input.redirectUris ?? [],
      }),
    );
  }

  /** Issues a key and returns it in clear: the only time it exists outside the caller's hands. */
  async issueApiKey(principalId: string, scopes: ApiScope[], label: string): Promise<string> {
    const { key, prefix, secretHash } = generateApiKey();
    await this.apiKeys.insert({ principalId, prefix, secretHash, scopes, label });
    return key;
  }

  async apiKeysOf(caller: AuthenticatedPrincipal): Promise<ApiKey[]> {
    return this.apiKeys.find({ where: { principalId: caller.id }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /**
   * A key for the caller's own principal. Only an owner's or a lender's key may make keys (not an API client's),
   * and never with a scope it lacks itself: a read-only key cannot mint a key that pays.
   */
  async createApiKey(
    caller: AuthenticatedPrincipal,
    label: string,
    scopes: ApiScope[],
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    if (caller.kind === PrincipalKind.API_CLIENT)
      throw new ForbiddenError('an API client cannot make keys: its owner does');
    const missing = scopes.filter((scope) => !caller.scopes.includes(scope));
    if (missing.length)
      throw new InvalidInputError('scopes', `this key cannot give scopes it does not hold: ${missing.join(', ')}`);
    const trimmed = label.trim();
    if (!trimmed) throw new InvalidInputError('label', 'label must not be blank');
    const secret = await this.issueApiKey(caller.id, [...new Set(scopes)], trimmed);
    const apiKey = await this.apiKeys.findOneByOrFail({ prefix: parseApiKey(secret)!.prefix });
    return { apiKey, secret };
  }

  async revokeApiKey(caller: AuthenticatedPrincipal, id: string): Promise<ApiKey> {
    const apiKey = isUuid(id) ? await this.apiKeys.findOneBy({ id, principalId: caller.id }) : null;
    if (!apiKey) throw new NotFoundError('no API key with this id');
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      await this.apiKeys.update({ id: apiKey.id }, { revokedAt: apiKey.revokedAt });
    }
    return apiKey;
  }

  /** Resolves a bearer key to its principal, or null for a malformed, unknown or revoked key. */
  async authenticate(key: string): Promise<AuthenticatedPrincipal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const cached = this.verifiedKeys.get(parsed.prefix);
    if (cached && cached.expiresAt > Date.now()) {
      return secretMatches(parsed.secret, cached.secretHash) ? cached.principal : null;
    }
    this.verifiedKeys.delete(parsed.prefix);
    const apiKey = await this.apiKeys.findOne({
      where: { prefix: parsed.prefix, revokedAt: IsNull() },
      relations: { principal: true },
    });
    if (!apiKey || !secretMatches(parsed.secret, apiKey.secretHash)) return null;
    const { principal } = apiKey;
    const authenticated: AuthenticatedPrincipal = {
      id: principal.id,
      kind: principal.kind,
      displayName: principal.displayName,
      actsForOwnerId: actsForOwner(principal),
      scopes: apiKey.scopes,
      apiKeyId: apiKey.id,
    };
    this.verifiedKeys.set(parsed.prefix, {
      secretHash: apiKey.secretHash,
      principal: authenticated,
      expiresAt: Date.now() + API_KEY_CACHE_MS,
    });
    return authenticated;
  }
}

function actsForOwner(principal: Principal): string | null {
  switch (principal.kind) {
    case PrincipalKind.OWNER:
      return principal.id;
    case PrincipalKind.API_CLIENT:
      return principal.ownerId;
    case PrincipalKind.LENDER:
      return null;
    case PrincipalKind.CONNECT_LINK:
      throw new Error('a connect link is never stored as a principal');
    default: {
      const never: never = principal.kind;
      throw new Error(`unknown principal kind ${String(never)}`);
    }
  }
}
