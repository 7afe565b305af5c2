import type { DataSource } from 'typeorm';
import { ProviderError, type ConsentHandle, type ProviderAdapter } from '../../providers';
import type { Institution } from '../institutions/institution.entity';
import type { ProviderRegistry } from '../institutions/provider-registry';
import { Connection } from './connection.entity';
import { Consent } from './consent.entity';
import { ConsentStatus } from './consent-scope';
import type { ConsentSecrets } from './consent-secrets';

/** Everything needed to call a bank for one connection, under its live consent. */
export interface BankAccess {
  connectionId: string;
  consent: Consent;
  institution: Institution;
  adapter: ProviderAdapter;
  handle: ConsentHandle;
}

/**
 * The one door to a bank for data reads (balances, sync). It reads the consent's status from the store at the
 * moment of the call, so a revocation committed a millisecond earlier already stops the call; without a live consent
 * it throws the typed error the client sees on that bank's part of the result.
 */
export class ConsentAccess {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProviderRegistry,
    private readonly secrets: ConsentSecrets,
  ) {}

  async forConnection(connectionId: string): Promise<BankAccess> {
    const access = (await this.forConnections([connectionId])).get(connectionId)!;
    if (access instanceof Error) throw access;
    return access;
  }

  /**
   * `forConnection` for several connections in one round trip (their banks and consents joined): a query over
   * every bank's accounts reads every connection's consent at once. A connection without a live consent gets its
   * typed error in its place.
   */
  async forConnections(connectionIds: readonly string[]): Promise<Map<string, BankAccess | Error>> {
    const connections = (await this.dataSource
      .getRepository(Connection)
      .createQueryBuilder('connection')
      .innerJoinAndSelect('connection.institution', 'institution')
      .leftJoinAndMapMany('connection.consents', Consent, 'consent', 'consent.connectionId = connection.id')
      .where('connection.id IN (:...connectionIds)', { connectionIds })
      .orderBy('consent.createdAt', 'DESC')
      .getMany()) as Array<Connection & { consents: Consent[] }>;
    const found = new Map(connections.map((connection) => [connection.id, connection]));
    return new Map(
      connectionIds.map((connectionId) => {
        const connection = found.get(connectionId);
        return [connectionId, connection ? this.accessTo(connection) : new Error(`no connection ${connectionId}`)];
      }),
    );
  }

  private accessTo(connection: Connection & { consents: Consent[] }): BankAccess | ProviderError {
    const { consents } = connection;
    const live = consents.find((consent) => consent.status === ConsentStatus.ACTIVE);
    const handle = live && this.secrets.handle(live);
    if (!live || !handle) return noLiveConsent(consents[0], connection.institution);
    return {
      connectionId: connection.id,
      consent: live,
      institution: connection.institution,
      adapter: this.registry.forInstitution(connection.institution),
      handle,
    };
  }
}

function noLiveConsent(latest: Consent | undefined, institution: Institution): ProviderError {
  const details = { institutionId: institution.id };
  switch (latest?.status) {
    case ConsentStatus.REVOKED:
      return new ProviderError('CONSENT_REVOKED', `the consent at ${institution.name} was revoked`, details);
    case ConsentStatus.EXPIRED:
      return new ProviderError('CONSENT_EXPIRED', `the consent at ${institution.name} has expired: renew it`, details);
    default:
      return new ProviderError('CONSENT_INVALID', `there is no active consent at ${institution.name}`, details);
  }
}
