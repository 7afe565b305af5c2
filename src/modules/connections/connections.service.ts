import { createHash, randomBytes } from 'node:crypto';
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { DAY_MS } from '../../common/dates';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import type { Logger } from '../../logger';
import { ProviderError, type ProviderAccount, type ProviderTokens, type PsuContext } from '../../providers';
import { Account, AccountType } from '../accounts/account.entity';
import { recordAudit } from '../audit/audit.service';
import type { EventsService } from '../events/events.service';
import { Institution, InstitutionCapability } from '../institutions/institution.entity';
import type { ProviderRegistry } from '../institutions/provider-registry';
import { ApiScope } from '../principals/api-scope';
import { ownerOf } from '../principals/owner-of';
import { Principal } from '../principals/principal.entity';
import type { AuthenticatedPrincipal } from '../principals/principals.service';
import { Connection } from './connection.entity';
import { Consent } from './consent.entity';
import { ConsentScope, ConsentStatus, READ_ONLY_SCOPES } from './consent-scope';
import type { ConsentSecrets } from './consent-secrets';
import { isAllowedRedirect } from './redirect-allow-list';
import { checkConnectLinkJourney, spendConnectLink } from '../connect-links/connect-links.service';

export const CONSENT_TOPIC = 'consent';

/** The payload of a `consent` outbox event. */
export interface ConsentEventPayload {
  consentId: string;
  status: ConsentStatus;
  expiresSoon: boolean;
}

export interface StartConnectionCommand {
  institutionId: string;
  scopes?: ConsentScope[] | null;
  validForDays: number;
  historyDays: number;
  redirectUri: string;
}

export interface ConsentJourney {
  consent: Consent;
  authorisationUrl: string;
}

/** What the callback did, for the browser redirect (or the completeConnection answer). */
export type CallbackOutcome =
  | { kind: 'completed'; consent: Consent }
  /** The callback cannot be tied to a consent it may change: nothing was touched. */
  | { kind: 'refused'; reason: string; consent?: Consent };

/** PSD2 RTS art. 36(5): at most four unattended accesses a day. */
const FREQUENCY_PER_DAY = 4;
/** How long the user has to finish SCA at the bank, by default: the sandbox banks' SCA links last as long. */
export const DEFAULT_AUTHORISATION_TIMEOUT_MS = 30 * 60 * 1000;
/** How long before `validUntil` the owner is told the consent expires soon. */
export const EXPIRY_WARNING_DAYS = 7;

export interface ConnectionsServiceDeps {
  dataSource: DataSource;
  registry: ProviderRegistry;
  secrets: ConsentSecrets;
  events: EventsService;
  /** The gateway route the banks send the user's browser back to. */
  callbackUrl: () => string;
  logger: Logger;
  /** Called once a consent is active and its accounts stored: the first sync starts here. */
  onActivated?: (connectionId: string, psu: PsuContext) => Promise<unknown>;
  /** How long a consent may wait for SCA before it expires as abandoned (`CONSENT_AUTHORISATION_TIMEOUT_SECONDS`). */
  authorisationTimeoutMs?: number;
  now?: () => Date;
}

/**
 * The consent journey and lifecycle: start at the bank, complete from the callback, renew, revoke, expire. Every
 * method that takes a principal checks that the row belongs to the owner it acts for; every status change writes an
 * audit row and an outbox event in the same transaction.
 *
 * Over 400 lines on purpose: the lifecycle is one state machine, and its steps share the private transitions
 * (`end`, `retire`, `openConsent`); split by step, those would have to be exported for each other.
 */
export class ConnectionsService {
  private readonly now: () => Date;
  private readonly authorisationTimeoutMs: number;

  constructor(private readonly deps: ConnectionsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.authorisationTimeoutMs = deps.authorisationTimeoutMs ?? DEFAULT_AUTHORISATION_TIMEOUT_MS;
  }

  async start(
    principal: AuthenticatedPrincipal,
    input: StartConnectionCommand,
    psu: PsuContext,
  ): Promise<ConsentJourney> {
    const ownerId = ownerOf(principal);
    const scopes = normalizeScopes(input.scopes);
    if (scopes.includes(ConsentScope.PAYMENTS) && !principal.scopes.includes(ApiScope.INITIATE_PAYMENTS)) {
      throw new ForbiddenError('this API key may not ask for the PAYMENTS scope (it lacks INITIATE_PAYMENTS)');
    }
    const institution = isUuid(input.institutionId)
      ? await this.deps.dataSource.getRepository(Institution).findOneBy({ id: input.institutionId })
      : null;
    if (!institution) throw new InvalidInputError('input.institutionId', 'institutionId names no institution');
    if (scopes.includes(ConsentScope.PAYMENTS) && !institution.capabilities.includes(InstitutionCapability.PIS)) {
      throw new InvalidInputError('input.scopes', `${institution.name} does not offer payment initiation`);
    }
    checkRange('input.validForDays', input.validForDays, institution.maxConsentDays, institution.name);
    checkRange('input.historyDays', input.historyDays, institution.maxHistoryDays, institution.name);
    // A link's redirectUri passed its maker's allow-list when the link was made; the journey must use that one.
    if (principal.connectLink) checkConnectLinkJourney(principal.connectLink, input);
    else await this.checkRedirect(principal.id, input.redirectUri);

    const connection = { id: undefined as string | undefined, ownerId, institutionId: institution.id };
    return this.openConsent(
      principal,
      connection,
      institution,
      {
        scopes,
        validForDays: input.validForDays,
        historyDays: input.historyDays,
        redirectUri: input.redirectUri,
        renewsConsentId: null,
      },
      psu,
    );
  }

  /** A new SCA for the same connection; on completion the accounts keep their ids and the old consent ends. */
  async renew(
    principal: AuthenticatedPrincipal,
    consentId: string,
    validForDays: number | null | undefined,
    psu: PsuContext,
  ): Promise<ConsentJourney> {
    const previous = await this.ownedConsent(principal, consentId);
    if (previous.status === ConsentStatus.PENDING_AUTHORISATION) {
      throw new InvalidInputError('id', 'this consent is still waiting for authorisation at the bank');
    }
    const connection = await this.deps.dataSource.getRepository(Connection).findOneOrFail({
      where: { id: previous.connectionId },
      relations: { institution: true },
    });
    if (connection.deletedAt) throw new NotFoundError('no consent with this id');
    const days =
      validForDays ?? Math.max(1, Math.round((previous.validUntil.getTime() - previous.createdAt.getTime()) / DAY_MS));
    checkRange('validForDays', days, connection.institution.maxConsentDays, connection.institution.name);
    return this.openConsent(
      principal,
      connection,
      connection.institution,
      {
        scopes: previous.scopes,
        validForDays: days,
        historyDays: previous.historyDays,
        redirectUri: previous.redirectUri,
        renewsConsentId: previous.id,
      },
      psu,
    );
  }

  /**
   * The bank's redirect, from the gateway's callback route or from completeConnection. The `state` ties it to one
   * pending consent, once: an unknown or reused state changes nothing.
   */
  async complete(
    query: Record<string, string>,
    psu: PsuContext,
    principal?: AuthenticatedPrincipal,
  ): Promise<CallbackOutcome> {
    const state = query.state;
    if (!state) return { kind: 'refused', reason: 'the callback carries no state' };
    const consents = this.deps.dataSource.getRepository(Consent);
    const consent = await consents.findOneBy({ stateHash: sha256(state) });
    if (!consent) return { kind: 'refused', reason: 'the callback state matches no consent' };
    if (principal && principal.actsForOwnerId !== consent.ownerId) {
      return { kind: 'refused', reason: 'the callback state matches no consent' };
    }
    // Claim the callback atomically: of two concurrent uses of one state, exactly one goes on.
    const claimed = await consents.update(
      { id: consent.id, callbackUsedAt: IsNull(), status: ConsentStatus.PENDING_AUTHORISATION },
      { callbackUsedAt: this.now() },
    );
    if (!claimed.affected) return { kind: 'refused', reason: 'this authorisation link was already used', consent };

    if (this.abandoned(consent)) return { kind: 'completed', consent: await this.expireAbandoned(consent) };
    if (query.error) {
      return {
        kind: 'completed',
        consent: await this.reject(consent, `the bank reports: ${query.error_description ?? query.error}`),
      };
    }

    const { institution, adapter } = await this.adapterFor(consent.connectionId);
    const handle = this.deps.secrets.handle(consent)!;
    let tokens;
    try {
      const result = await adapter.completeConsent({
        providerConsentId: handle.providerConsentId,
        query,
        redirectUri: this.deps.callbackUrl(),
      });
      if (result.status !== 'ACTIVE') {
        return {
          kind: 'completed',
          consent: await this.reject(consent, `the bank reports the consent ${result.status.toLowerCase()}`),
        };
      }
      tokens = result.tokens;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return {
        kind: 'completed',
        consent: await this.reject(consent, `${institution.name} could not confirm the consent (${error.code})`),
      };
    }

    let accounts: ProviderAccount[] = [];
    try {
      accounts = consent.scopes.includes(ConsentScope.ACCOUNTS)
        ? await adapter.listAccounts({ ...handle, tokens }, psu)
        : [];
    } catch (error) {
      // The consent stands at the bank; the next sync fetches the accounts again.
      this.deps.logger.warn({ err: error, consentId: consent.id }, 'accounts could not be fetched after authorisation');
    }

    const activated = await this.deps.dataSource.transaction(async (manager) => {
      Object.assign(consent, {
        status: ConsentStatus.ACTIVE,
        authorisedAt: this.now(),
        statusReason: null,
        callbackUsedAt: this.now(),
        ...(tokens ? { providerTokensEnc: this.deps.secrets.sealTokens(tokens) } : {}),
      });
      await manager.save(consent);
      await upsertAccounts(manager, consent, accounts);
      if (consent.renewsConsentId) await this.retire(manager, consent.renewsConsentId, 'renewed by a new consent');
      await recordAudit(manager, {
        principalId: principal?.id ?? null,
        ownerId: consent.ownerId,
        action: 'CONSENT_AUTHORISED',
        subjectType: 'consent',
        subjectId: consent.id,
        details: { accounts: accounts.length },
      });
      return this.emit(manager, consent);
    });
    await this.deps.events.publish([activated]);
    await this.deps.onActivated?.(consent.connectionId, psu);
    return { kind: 'completed', consent };
  }

  /**
   * Revocation takes effect here first: the secrets are wiped in the same transaction that marks the consent
   * REVOKED, so no provider call for it can start afterwards. The bank is told after the commit; if it cannot be
   * reached, that is recorded and the consent stays revoked.
   */
  async revoke(principal: AuthenticatedPrincipal, consentId: string, purge: boolean): Promise<Consent> {
    const consent = await this.ownedConsent(principal, consentId);
    const handle = this.deps.secrets.handle(consent);
    const wasLive = consent.status === ConsentStatus.ACTIVE || consent.status === ConsentStatus.PENDING_AUTHORISATION;
    if (!wasLive && !purge) return consent;

    const event = await this.deps.dataSource.transaction(async (manager) => {
      let changed;
      if (wasLive) {
        Object.assign(consent, wiped(), {
          status: ConsentStatus.REVOKED,
          revokedAt: this.now(),
          revokedBy: principal.id,
          statusReason: 'revoked by the owner',
        });
        await manager.save(consent);
        await recordAudit(manager, {
          principalId: principal.id,
          ownerId: consent.ownerId,
          action: 'CONSENT_REVOKED',
          subjectType: 'consent',
          subjectId: consent.id,
          details: { purge },
        });
        changed = await this.emit(manager, consent);
      }
      if (purge) {
        const removed = await manager.delete(Account, { connectionId: consent.connectionId });
        await recordAudit(manager, {
          principalId: principal.id,
          ownerId: consent.ownerId,
          action: 'ACCOUNTS_PURGED',
          subjectType: 'connection',
          subjectId: consent.connectionId,
          details: { accounts: removed.affected ?? 0 },
        });
      }
      return changed;
    });
    if (event) await this.deps.events.publish([event]);

    if (wasLive && handle) {
      const { adapter } = await this.adapterFor(consent.connectionId);
      await adapter.revokeConsent(handle).catch(async (error: unknown) => {
        this.deps.logger.warn({ err: error, consentId }, 'the bank could not be told of a revocation');
        await recordAudit(this.deps.dataSource.manager, {
          principalId: principal.id,
          ownerId: consent.ownerId,
          action: 'CONSENT_BANK_REVOCATION_FAILED',
          subjectType: 'consent',
          subjectId: consent.id,
          details: { error: String(error) },
        });
      });
    }
    return consent;
  }

  /**
   * The scheduled lifecycle pass: expires consents past `validUntil`, refuses journeys left unfinished, warns once
   * ahead of expiry, and asks each bank whether it revoked or expired a consent on its side.
   */
  async sweep(scope: { ownerId?: string } = {}): Promise<void> {
    const consents = this.deps.dataSource.getRepository(Consent);
    const live = await consents.find({
      where: {
        status: In([ConsentStatus.ACTIVE, ConsentStatus.PENDING_AUTHORISATION]),
        ...(scope.ownerId ? { ownerId: scope.ownerId } : {}),
      },
    });
    for (const consent of live) {
      // One consent that cannot be checked (bank down, unreadable secret) must not stop the others.
      await this.sweepOne(consent).catch((error: unknown) =>
        this.deps.logger.error({ err: error, consentId: consent.id }, 'consent lifecycle check failed'),
      );
    }
  }

  private async sweepOne(consent: Consent): Promise<void> {
    const now = this.now();
    if (consent.status === ConsentStatus.PENDING_AUTHORISATION) {
      if (this.abandoned(consent)) await this.expireAbandoned(consent);
      return;
    }
    if (consent.validUntil <= now) {
      await this.end(consent, ConsentStatus.EXPIRED, 'the consent reached its end date', 'CONSENT_EXPIRED');
      return;
    }
    await this.checkAtBank(consent);
    const warnFrom = consent.validUntil.getTime() - EXPIRY_WARNING_DAYS * DAY_MS;
    if (consent.status === ConsentStatus.ACTIVE && !consent.expiryWarnedAt && now.getTime() >= warnFrom) {
      await this.warnExpiry(consent);
    }
  }

  /** The owner's connections not deleted; with `statuses`, only those whose newest consent is in one of them. */
  async listConnections(
    principal: AuthenticatedPrincipal,
    statuses?: readonly ConsentStatus[] | null,
  ): Promise<Connection[]> {
    const query = this.deps.dataSource
      .getRepository(Connection)
      .createQueryBuilder('connection')
      .where('connection.owner_id = :ownerId', { ownerId: ownerOf(principal) })
      .andWhere('connection.deleted_at IS NULL')
      .orderBy('connection.created_at', 'ASC')
      .addOrderBy('connection.id', 'ASC');
    if (statuses?.length) {
      // The newest consent is the connection's state, as `currentConsent` shows it.
      query.andWhere(
        '(SELECT consent.status FROM consent WHERE consent.connection_id = connection.id ORDER BY consent.created_at DESC, consent.id ASC LIMIT 1) IN (:...statuses)',
        { statuses: [...statuses] },
      );
    }
    return query.getMany();
  }

  /**
   * Removes a connection the owner no longer wants: its live consents are revoked first (at the bank too), then it
   * leaves `connections`. Its consents stay as the dated record of consent; its accounts and their transactions go
   * only with `purge`.
   */
  async deleteConnection(principal: AuthenticatedPrincipal, connectionId: string, purge: boolean): Promise<Connection> {
    const ownerId = ownerOf(principal);
    const connections = this.deps.dataSource.getRepository(Connection);
    const connection = isUuid(connectionId)
      ? await connections.findOneBy({ id: connectionId, ownerId, deletedAt: IsNull() })
      : null;
    if (!connection) throw new NotFoundError('no connection with this id');
    const live = await this.deps.dataSource.getRepository(Consent).findBy({
      connectionId: connection.id,
      status: In([ConsentStatus.ACTIVE, ConsentStatus.PENDING_AUTHORISATION]),
    });
    for (const consent of live) await this.revoke(principal, consent.id, false);
    await this.deps.dataSource.transaction(async (manager) => {
      connection.deletedAt = this.now();
      await manager.save(connection);
      const removed = purge ? await manager.delete(Account, { connectionId: connection.id }) : undefined;
      await recordAudit(manager, {
        principalId: principal.id,
        ownerId,
        action: 'CONNECTION_DELETED',
        subjectType: 'connection',
        subjectId: connection.id,
        details: { purge, revokedConsents: live.length, purgedAccounts: removed?.affected ?? 0 },
      });
    });
    return connection;
  }

  /** The consent if it belongs to the owner the principal acts for; otherwise NOT_FOUND, never a hint it exists. */
  async ownedConsent(principal: AuthenticatedPrincipal, consentId: string): Promise<Consent> {
    const consent = isUuid(consentId)
      ? await this.deps.dataSource.getRepository(Consent).findOneBy({ id: consentId, ownerId: ownerOf(principal) })
      : null;
    if (!consent) throw new NotFoundError('no consent with this id');
    return consent;
  }

  /** Called by the STET adapter when it refreshed a token pair, so the next call uses the new one. */
  async storeRefreshedTokens(providerConsentId: string, tokens: ProviderTokens): Promise<void> {
    await this.deps.dataSource
      .getRepository(Consent)
      .update(
        { providerConsentLookup: this.deps.secrets.lookup(providerConsentId), status: ConsentStatus.ACTIVE },
        { providerTokensEnc: this.deps.secrets.sealTokens(tokens) },
      );
  }

  private async openConsent(
    principal: AuthenticatedPrincipal,
    connection: { id?: string; ownerId: string; institutionId: string },
    institution: Institution,
    terms: {
      scopes: ConsentScope[];
      validForDays: number;
      historyDays: number;
      redirectUri: string;
      renewsConsentId: string | null;
    },
    psu: PsuContext,
  ): Promise<ConsentJourney> {
    const state = randomBytes(32).toString('base64url');
    const validUntil = new Date(this.now().getTime() + terms.validForDays * DAY_MS);
    const adapter = this.deps.registry.forInstitution(institution);
    // The bank is asked first: if it refuses, nothing is written.
    const created = await adapter.createConsent({
      scopes: terms.scopes,
      validUntil: validUntil.toISOString().slice(0, 10),
      frequencyPerDay: FREQUENCY_PER_DAY,
      historyDays: terms.historyDays,
      redirectUri: this.deps.callbackUrl(),
      state,
      psu,
    });
    const { consent, event } = await this.deps.dataSource.transaction(async (manager) => {
      if (principal.connectLink) await spendConnectLink(manager, principal.connectLink, this.now());
      const connectionId =
        connection.id ??
        (await manager.save(manager.create(Connection, { ownerId: connection.ownerId, institutionId: institution.id })))
          .id;
      const row = manager.create(Consent, {
        connectionId,
        ownerId: connection.ownerId,
        status: ConsentStatus.PENDING_AUTHORISATION,
        scopes: terms.scopes,
        validUntil,
        historyDays: terms.historyDays,
        frequencyPerDay: FREQUENCY_PER_DAY,
        redirectUri: terms.redirectUri,
        stateHash: sha256(state),
        createdAt: this.now(),
        renewsConsentId: terms.renewsConsentId,
        ...this.deps.secrets.seal(created.providerConsentId),
      });
      const saved = await manager.save(row);
      await recordAudit(manager, {
        principalId: principal.id,
        ownerId: connection.ownerId,
        action: terms.renewsConsentId ? 'CONSENT_RENEWAL_STARTED' : 'CONSENT_STARTED',
        subjectType: 'consent',
        subjectId: saved.id,
        details: {
          institutionId: institution.id,
          scopes: terms.scopes,
          validUntil: validUntil.toISOString(),
          historyDays: terms.historyDays,
          ...(principal.connectLink ? { connectLinkId: principal.connectLink.id } : {}),
        },
      });
      return { consent: saved, event: await this.emit(manager, saved) };
    });
    await this.deps.events.publish([event]);
    return { consent, authorisationUrl: created.authorisationUrl };
  }

  private async checkAtBank(consent: Consent): Promise<void> {
    const handle = this.deps.secrets.handle(consent);
    if (!handle) return;
    const { adapter } = await this.adapterFor(consent.connectionId);
    try {
      const status = await adapter.getConsentStatus(handle);
      if (status === 'REVOKED')
        await this.end(consent, ConsentStatus.REVOKED, 'revoked at the bank', 'CONSENT_REVOKED');
      else if (status === 'EXPIRED')
        await this.end(consent, ConsentStatus.EXPIRED, 'expired at the bank', 'CONSENT_EXPIRED');
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'CONSENT_REVOKED') {
        await this.end(consent, ConsentStatus.REVOKED, 'revoked at the bank', 'CONSENT_REVOKED');
      } else if (
        error instanceof ProviderError &&
        (error.code === 'CONSENT_EXPIRED' || error.code === 'CONSENT_INVALID')
      ) {
        await this.end(consent, ConsentStatus.EXPIRED, 'expired at the bank', 'CONSENT_EXPIRED');
      } else {
        // The bank is unreachable: try again at the next sweep rather than guess.
        this.deps.logger.warn({ err: error, consentId: consent.id }, 'consent status could not be read at the bank');
      }
    }
  }

  private abandoned(consent: Consent): boolean {
    return this.now().getTime() - consent.createdAt.getTime() > this.authorisationTimeoutMs;
  }

  /** A journey left at the bank: its SCA link has expired there too, so the consent can never be completed. */
  private async expireAbandoned(consent: Consent): Promise<Consent> {
    const minutes = Math.round(this.authorisationTimeoutMs / 60_000);
    return this.end(
      consent,
      ConsentStatus.EXPIRED,
      `abandoned: the authorisation was not completed within ${minutes} minutes`,
      'CONSENT_EXPIRED',
    );
  }

  private async reject(consent: Consent, reason: string): Promise<Consent> {
    return this.end(consent, ConsentStatus.REJECTED, reason, 'CONSENT_REJECTED');
  }

  private async end(
    consent: Consent,
    status: ConsentStatus,
    reason: string,
    action: 'CONSENT_REJECTED' | 'CONSENT_EXPIRED' | 'CONSENT_REVOKED',
  ): Promise<Consent> {
    const event = await this.deps.dataSource.transaction(async (manager) => {
      Object.assign(consent, wiped(), {
        status,
        statusReason: reason,
        ...(status === ConsentStatus.REVOKED ? { revokedAt: this.now() } : {}),
      });
      await manager.save(consent);
      await recordAudit(manager, {
        principalId: null,
        ownerId: consent.ownerId,
        action,
        subjectType: 'consent',
        subjectId: consent.id,
        details: { reason },
      });
      return this.emit(manager, consent);
    });
    await this.deps.events.publish([event]);
    return consent;
  }

  private async warnExpiry(consent: Consent): Promise<void> {
    const event = await this.deps.dataSource.transaction(async (manager) => {
      consent.expiryWarnedAt = this.now();
      await manager.save(consent);
      await recordAudit(manager, {
        principalId: null,
        ownerId: consent.ownerId,
        action: 'CONSENT_EXPIRES_SOON',
        subjectType: 'consent',
        subjectId: consent.id,
        details: { validUntil: consent.validUntil.toISOString() },
      });
      return this.emit(manager, consent, true);
    });
    await this.deps.events.publish([event]);
  }

  /** Ends the consent a renewal replaced, inside the renewal's transaction. */
  private async retire(manager: EntityManager, consentId: string, reason: string): Promise<void> {
    const previous = await manager.findOneBy(Consent, { id: consentId });
    if (!previous || previous.status !== ConsentStatus.ACTIVE) return;
    Object.assign(previous, wiped(), { status: ConsentStatus.EXPIRED, statusReason: reason });
    await manager.save(previous);
    await this.emit(manager, previous);
  }

  private emit(manager: EntityManager, consent: Consent, expiresSoon = false) {
    const payload: ConsentEventPayload = { consentId: consent.id, status: consent.status, expiresSoon };
    return this.deps.events.append(manager, CONSENT_TOPIC, consent.ownerId, payload);
  }

  private async adapterFor(connectionId: string) {
    const connection = await this.deps.dataSource
      .getRepository(Connection)
      .findOneOrFail({ where: { id: connectionId }, relations: { institution: true } });
    return { institution: connection.institution, adapter: this.deps.registry.forInstitution(connection.institution) };
  }

  private async checkRedirect(principalId: string, redirectUri: string): Promise<void> {
    const principal = await this.deps.dataSource.getRepository(Principal).findOneByOrFail({ id: principalId });
    if (!isAllowedRedirect(redirectUri, principal.redirectUris)) {
      throw new InvalidInputError('input.redirectUri', 'redirectUri is not on the allow-list of this API client');
    }
  }
}

function normalizeScopes(scopes: ConsentScope[] | null | undefined): ConsentScope[] {
  if (!scopes) return [...READ_ONLY_SCOPES];
  if (scopes.length === 0) throw new InvalidInputError('input.scopes', 'scopes must name at least one scope');
  const unique = [...new Set(scopes)];
  if (
    (unique.includes(ConsentScope.BALANCES) || unique.includes(ConsentScope.TRANSACTIONS)) &&
    !unique.includes(ConsentScope.ACCOUNTS)
  ) {
    // Balances and transactions are read per account: without the account list there is nothing to read them for.
    unique.unshift(ConsentScope.ACCOUNTS);
  }
  return unique;
}

function checkRange(field: string, value: number, max: number, institutionName: string): void {
  const name = field.split('.').pop();
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidInputError(field, `${name} must be a whole number from 1 to ${max} at ${institutionName}`);
  }
}

function wiped(): Pick<Consent, 'providerConsentIdEnc' | 'providerTokensEnc' | 'providerConsentLookup'> {
  return { providerConsentIdEnc: null, providerTokensEnc: null, providerConsentLookup: null };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Accounts of a freshly authorised consent. An account is one row per owner and bank account: a renewal, or a second
 * connection to the same bank login, sees the same IBANs (or, without IBAN, resource ids) at the same institution
 * again, and those rows are updated in place and moved to this connection, so they keep the ids clients and synced
 * transactions refer to and no line is ever stored twice.
 */
async function upsertAccounts(manager: EntityManager, consent: Consent, accounts: ProviderAccount[]): Promise<void> {
  const { institutionId } = await manager.findOneByOrFail(Connection, { id: consent.connectionId });
  const existing = await manager.findBy(Account, { ownerId: consent.ownerId, institutionId });
  for (const account of accounts) {
    const match = existing.find((row) =>
      account.iban ? row.iban === account.iban : !row.iban && row.providerAccountId === account.providerAccountId,
    );
    const fields = {
      connectionId: consent.connectionId,
      providerAccountId: account.providerAccountId,
      iban: account.iban ?? null,
      name: account.name,
      currency: account.currency,
      type: AccountType[account.type],
    };
    if (match) await manager.update(Account, { id: match.id }, fields);
    else await manager.insert(Account, { ...fields, ownerId: consent.ownerId, institutionId });
  }
}
