import { ConnectLinkRefused, type ConnectLinksService } from '../modules/connect-links/connect-links.service';
import type { AuthenticatedPrincipal, PrincipalsService } from '../modules/principals/principals.service';
import type { PsuContext } from '../providers';
import type { EventsService } from '../modules/events/events.service';
import { unauthenticated } from './format-error';
import type { Loaders } from './loaders';

/** What every resolver receives. Built per request (and per subscription event), never shared. */
export interface GatewayContext {
  principal: AuthenticatedPrincipal;
  /**
   * The end user, when present. A client acting while its user is at the screen forwards the user's address in
   * `X-PSU-IP-Address`; PSD2 then lets the bank serve the call outside the unattended budget.
   */
  psu: PsuContext;
  /** The caller's own address, for calls where the user is present by definition (starting a consent). */
  requestIp?: string;
  loaders: Loaders;
  /**
   * Drops `loaders`, so the next use builds fresh ones. A subscription's context lives as long as the subscription,
   * so each event calls this before its fields resolve: a loader cache made at subscribe time would serve stale rows.
   */
  renewLoaders(): void;
  /** The outbox streams subscriptions read from. */
  events: EventsService;
  /** An HTTP operation's place among its key's operations running at once (none over WebSocket). */
  place?: { charge(cost: number): void };
}

/**
 * A request's context. Its loaders are built on first use: a query that reads no rows (`viewer`), or a subscription
 * event whose fields need none, pays nothing for them. An accessor of the class, not of the object: Apollo copies a
 * context's own properties for each operation, which would call an own getter and build them all.
 */
export class RequestContext implements GatewayContext {
  private built: Loaders | null = null;

  constructor(
    readonly principal: AuthenticatedPrincipal,
    readonly psu: PsuContext,
    readonly requestIp: string | undefined,
    readonly events: EventsService,
    private readonly makeLoaders: () => Loaders,
    readonly place?: GatewayContext['place'],
  ) {}

  get loaders(): Loaders {
    return (this.built ??= this.makeLoaders());
  }

  renewLoaders(): void {
    this.built = null;
  }
}

/**
 * The end user for a call made with them at the screen (starting or renewing a consent, authorising a payment): the
 * address they forwarded, else the request's own.
 */
export function userPresent(ctx: GatewayContext): PsuContext {
  return { ...ctx.psu, ipAddress: ctx.psu.ipAddress ?? ctx.requestIp };
}

/**
 * Resolves `Authorization: Bearer <key>` to a principal. Every operation needs one, so a missing or unknown key ends
 * the request here with `UNAUTHENTICATED` (HTTP 401), before anything is executed.
 */
export async function authenticate(
  authorization: unknown,
  principals: PrincipalsService,
  connectLinks?: ConnectLinksService,
): Promise<AuthenticatedPrincipal> {
  if (typeof authorization !== 'string' || authorization.trim() === '') {
    throw unauthenticated('an API key is required: send the header "Authorization: Bearer <api key>"');
  }
  // A connect link travels in a scheme of its own, so it can never be mistaken for an API key, and only where the
  // gateway passes `connectLinks` (HTTP, not WebSocket: the journey needs no subscription). In a header, unlike a
  // cookie, it is sent only by the app that read it from its URL, so no other site can ride on it (no CSRF).
  const link = connectLinks && /^ConnectLink\s+(\S+)$/i.exec(authorization.trim());
  if (link) {
    try {
      return await connectLinks.authenticate(link[1]);
    } catch (error) {
      if (error instanceof ConnectLinkRefused) throw unauthenticated(error.message);
      throw error;
    }
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated('the Authorization header must read "Bearer <api key>"');
  const principal = await principals.authenticate(match[1]);
  if (!principal) throw unauthenticated('the API key is not valid (unknown, malformed or revoked)');
  return principal;
}
