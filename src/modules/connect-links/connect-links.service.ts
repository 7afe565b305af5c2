import { createHash, randomBytes } from 'node:crypto';
import { IsNull, MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { ForbiddenError, InvalidInputError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { isAllowedRedirect } from '../connections/redirect-allow-list';
import { Institution } from '../institutions/institution.entity';
import { ApiScope } from '../principals/api-scope';
import { ownerOf } from '../principals/owner-of';
import { Principal, PrincipalKind } from '../principals/principal.entity';
import type { AuthenticatedPrincipal, ConnectLinkGrant } from '../principals/principals.service';
import { ConnectLink } from './connect-link.entity';

export interface ConnectLinksServiceDeps {
  dataSource: DataSource;
  ttlMs: number;
  /** The web app's connect screen, e.g. `http://127.0.0.1:4000/app/connect` (known once the server listens). */
  connectScreenUrl: () => string;
  now?: () => Date;
}

export interface IssuedConnectLink {
  url: string;
  expiresAt: Date;
}

/** Why a link is refused at authentication; the gateway turns it into UNAUTHENTICATED with this message. */
export class ConnectLinkRefused extends Error {}

export class ConnectLinksService {
  private readonly now: () => Date;

  constructor(private readonly deps: ConnectLinksServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(
    principal: AuthenticatedPrincipal,
    redirectUri: string,
    institutionId: string | null | undefined,
  ): Promise<IssuedConnectLink> {
    const ownerId = ownerOf(principal);
    const caller = await this.deps.dataSource.getRepository(Principal).findOneByOrFail({ id: principal.id });
    // The same allow-list as startConnection: a link must not become a way around it.
    if (!isAllowedRedirect(redirectUri, caller.redirectUris)) {
      throw new InvalidInputError('redirectUri', 'redirectUri is not on the allow-list of this API client');
    }
    if (institutionId != null) {
      const exists =
        isUuid(institutionId) &&
        (await this.deps.dataSource.getRepository(Institution).existsBy({ id: institutionId }));
      if (!exists) throw new InvalidInputError('institutionId', 'institutionId names no institution');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.deps.ttlMs);
    await this.deps.dataSource.getRepository(ConnectLink).insert({
      ownerId,
      tokenHash: hashToken(token),
      redirectUri,
      institutionId: institutionId ?? null,
      expiresAt,
      usedAt: null,
    });
    // The screens need the journey's terms to start it; they are no secret, and the gateway holds the link to them.
    const url = new URL(this.deps.connectScreenUrl());
    url.searchParams.set('link', token);
    url.searchParams.set('redirect_uri', redirectUri);
    if (institutionId != null) url.searchParams.set('institution', institutionId);
    return { url: url.toString(), expiresAt };
  }

  /**
   * The caller a link stands for: the owner's journey and nothing else. Its scope is MANAGE_CONNECTIONS alone (no
   * READ, no INITIATE_PAYMENTS), and the gateway lets a link principal run only `institutions` and `startConnection`
   * (see connect-link-guard.ts), so even a future field authorised by that scope stays out of its reach.
   */
  async authenticate(token: string): Promise<AuthenticatedPrincipal> {
    const link = /^[A-Za-z0-9_-]{43}$/.test(token)
      ? await this.deps.dataSource.getRepository(ConnectLink).findOneBy({ tokenHash: hashToken(token) })
      : null;
    if (!link) throw new ConnectLinkRefused('the connect link is not valid');
    if (link.usedAt) throw new ConnectLinkRefused('the connect link has already been used: ask for a new one');
    if (link.expiresAt <= this.now()) throw new ConnectLinkRefused('the connect link has expired: ask for a new one');
    return {
      id: link.ownerId,
      kind: PrincipalKind.CONNECT_LINK,
      displayName: 'connect link',
      actsForOwnerId: link.ownerId,
      scopes: [ApiScope.MANAGE_CONNECTIONS],
      apiKeyId: `connect-link:${link.id}`,
      connectLink: { id: link.id, redirectUri: link.redirectUri, institutionId: link.institutionId },
    };
  }
}

/** A journey started with a link goes back to the link's redirectUri and, when the link names a bank, to that bank. */
export function checkConnectLinkJourney(
  grant: ConnectLinkGrant,
  journey: { institutionId: string; redirectUri: string },
): void {
  if (journey.redirectUri !== grant.redirectUri) {
    throw new InvalidInputError('input.redirectUri', 'redirectUri must be the one the connect link was made for');
  }
  if (grant.institutionId && journey.institutionId !== grant.institutionId) {
    throw new InvalidInputError('input.institutionId', 'institutionId must be the bank the connect link was made for');
  }
}

/**
 * Spends the link in the transaction that records the consent, so a journey the bank refused leaves the link usable.
 * The conditional update lets at most one of two concurrent uses of a link record a consent.
 */
export async function spendConnectLink(manager: EntityManager, grant: ConnectLinkGrant, now: Date): Promise<void> {
  const spent = await manager
    .getRepository(ConnectLink)
    .update({ id: grant.id, usedAt: IsNull(), expiresAt: MoreThan(now) }, { usedAt: now });
  if (!spent.affected) throw new ForbiddenError('the connect link has already been used or has expired');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
