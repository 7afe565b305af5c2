import { IsNull, type DataSource, type Repository } from 'typeorm';
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
}

export interface NewPrincipal {
  kind: PrincipalKind;
  displayName: string;
  ownerId?: string;
  redirectUris?: string[];
}

export class PrincipalsService {
  private readonly principals: Repository<Principal>;
  private readonly apiKeys: Repository<ApiKey>;

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

  /** Resolves a bearer key to its principal, or null for a malformed, unknown or revoked key. */
  async authenticate(key: string): Promise<AuthenticatedPrincipal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const apiKey = await this.apiKeys.findOne({
      where: { prefix: parsed.prefix, revokedAt: IsNull() },
      relations: { principal: true },
    });
    if (!apiKey || !secretMatches(parsed.secret, apiKey.secretHash)) return null;
    const { principal } = apiKey;
    return {
      id: principal.id,
      kind: principal.kind,
      displayName: principal.displayName,
      actsForOwnerId: actsForOwner(principal),
      scopes: apiKey.scopes,
      apiKeyId: apiKey.id,
    };
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
    default: {
      const never: never = principal.kind;
      throw new Error(`unknown principal kind ${String(never)}`);
    }
  }
}
