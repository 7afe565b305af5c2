import type { DataSource } from 'typeorm';
import { ProviderError, type ConsentHandle, type ProviderAdapter } from '../../providers';
import { EntityRows, queryPrepared } from '../../db/entity-rows';
import { Institution } from '../institutions/institution.entity';
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
  readonly handle: ConsentHandle;
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
    const connectionRows = EntityRows.of(this.dataSource, Connection, 'c_');
    const institutionRows = EntityRows.of(this.dataSource, Institution, 'i_');
    const consentRows = EntityRows.of(this.dataSource, Consent, 'k_');
    const result = await queryPrepared(
      this.dataSource,
      `SELECT ${connectionRows.select('c')}, ${institutionRows.select('i')}, ${consentRows.select('k')}
         FROM "${connectionRows.tableName}" c
         JOIN "${institutionRows.tableName}" i ON i.id = c.institution_id
         LEFT JOIN "${consentRows.tableName}" k ON k.connection_id = c.id
        WHERE c.id = ANY($1::uuid[])
        ORDER BY k.created_at DESC`,
      [connectionIds],
    );
    const [readConnection, readInstitution, readConsent] = [
      connectionRows.reader(result),
      institutionRows.reader(result),
      consentRows.reader(result),
    ];
    const connections = new Map<string, Connection & { consents: Consent[] }>();
    for (const row of result.rows) {
      const found = readConnection(row)!;
      let connection = connections.get(found.id);
      if (!connection) {
        connection = Object.assign(found, { consents: [], institution: readInstitution(row)! });
        connections.set(found.id, connection);
      }
      const consent = readConsent(row);
      if (consent) connection.consents.push(consent);
    }
    return new Map(
      connectionIds.map((connectionId) => {
        const connection = connections.get(connectionId);
        return [connectionId, connection ? this.accessTo(connection) : new Error(`no connection ${connectionId}`)];
      }),
    );
  }

  private accessTo(connection: Connection & { consents: Consent[] }): BankAccess | ProviderError {
    const { consents } = connection;
    const live = consents.find((consent) => consent.status === ConsentStatus.ACTIVE);
    if (!live?.providerConsentIdEnc) return noLiveConsent(consents[0], connection.institution);
    const { secrets } = this;
    let handle: ConsentHandle | undefined;
    return {
      connectionId: connection.id,
      consent: live,
      institution: connection.institution,
      adapter: this.registry.forInstitution(connection.institution),
      // Decrypted only when the bank is called: balances served from the cache need no secret.
      get handle() {
        return (handle ??= secrets.handle(live)!);
      },
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
