import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import {
  ConnectionsDocument,
  ConsentDocument,
  CompleteConnectionDocument,
  RenewConsentDocument,
  RevokeConsentDocument,
  StartConnectionDocument,
  type ConsentStatusChangedSubscription,
} from '../generated/graphql';
import { walkScaForm } from '../support/sandbox-harness';
import { connectSandbox, REDIRECT_URI, sandboxInstitutionId } from '../support/journey';
import { eventually, subscribe } from '../support/subscriptions';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

/** Collects consentStatusChanged events over WebSocket, as an accounting tool would. */
function subscribeConsents(apiKey: string, after: string | null) {
  const subscription = subscribe<ConsentStatusChangedSubscription>(
    gateway.url,
    apiKey,
    'subscription($after: String) { consentStatusChanged(after: $after) { cursor expiresSoon consent { id status } } }',
    { after },
  );
  return {
    get events() {
      return subscription.received.map((data) => data.consentStatusChanged);
    },
    errors: subscription.errors,
    close: subscription.close,
  };
}

describe('consentStatusChanged', () => {
  it('replays every status change from cursor "0", then streams live ones, each exactly once', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');

    const replaying = subscribeConsents(apiKey, '0');
    await eventually(() =>
      expect(replaying.events.map((event) => event.consent.id)).toEqual([journey.consentId, journey.consentId]),
    );
    // Both events are delivered with the consent as it is now (ACTIVE), in outbox order.
    expect(Number(replaying.events[0].cursor)).toBeLessThan(Number(replaying.events[1].cursor));

    const live = subscribeConsents(apiKey, null);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await gateway.graphql(RevokeConsentDocument, { id: journey.consentId }, apiKey);
    await eventually(() => expect(live.events).toHaveLength(1));
    await eventually(() => expect(replaying.events).toHaveLength(3));
    expect(live.events[0]).toMatchObject({ expiresSoon: false, consent: { id: journey.consentId, status: 'REVOKED' } });

    const resumed = subscribeConsents(apiKey, replaying.events[1].cursor);
    await eventually(() => expect(resumed.events).toHaveLength(1));
    expect(resumed.events[0].cursor).toBe(replaying.events[2].cursor);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(resumed.events).toHaveLength(1);
    for (const subscription of [replaying, live, resumed]) {
      expect(subscription.errors).toEqual([]);
      subscription.close();
    }
  });
});

describe('the consent lifecycle sweep', () => {
  it('expires a consent past its end date, wipes its secrets and says so', async () => {
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox STET Bank');
    await gateway.dataSource.query(`UPDATE consent SET valid_until = now() - interval '1 minute' WHERE id = $1`, [
      journey.consentId,
    ]);
    await gateway.connections.sweep({ ownerId });
    const { body } = await gateway.graphql(ConsentDocument, { id: journey.consentId }, apiKey);
    expect(body.data!.consent).toMatchObject({ status: 'EXPIRED', statusReason: 'the consent reached its end date' });
    const [row] = await gateway.dataSource.query(
      'SELECT provider_consent_id_enc, provider_tokens_enc FROM consent WHERE id = $1',
      [journey.consentId],
    );
    expect(row).toEqual({ provider_consent_id_enc: null, provider_tokens_enc: null });
  });

  it('warns once, days ahead, that a consent expires soon', async () => {
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const subscription = subscribeConsents(apiKey, null);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await gateway.dataSource.query(`UPDATE consent SET valid_until = now() + interval '3 days' WHERE id = $1`, [
      journey.consentId,
    ]);
    await gateway.connections.sweep({ ownerId });
    await gateway.connections.sweep({ ownerId });
    await eventually(() => expect(subscription.events).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(subscription.events).toEqual([
      expect.objectContaining({ expiresSoon: true, consent: { id: journey.consentId, status: 'ACTIVE' } }),
    ]);
    subscription.close();
  });

  it('notices a consent the user revoked at the bank', async () => {
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Unreliable Bank');
    gateway.sandbox!.setFaults('flaky', { consentRevoked: true });
    try {
      await gateway.connections.sweep({ ownerId });
    } finally {
      gateway.sandbox!.resetFaults();
    }
    const { body } = await gateway.graphql(ConsentDocument, { id: journey.consentId }, apiKey);
    expect(body.data!.consent).toMatchObject({ status: 'REVOKED', statusReason: 'revoked at the bank' });
  });

  it('expires a journey the user left unfinished at the bank for over 30 minutes, and only that one', async () => {
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const start = async (minutesAgo: number) => {
      const started = await gateway.graphql(
        StartConnectionDocument,
        { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
        apiKey,
      );
      const consentId = started.body.data!.startConnection.consent.id;
      await gateway.dataSource.query(
        `UPDATE consent SET created_at = now() - make_interval(mins => $2) WHERE id = $1`,
        [consentId, minutesAgo],
      );
      return consentId;
    };
    const abandoned = await start(31);
    const inProgress = await start(29);
    await gateway.connections.sweep({ ownerId });
    const status = async (id: string) => (await gateway.graphql(ConsentDocument, { id }, apiKey)).body.data!.consent;
    expect(await status(abandoned)).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'abandoned: the authorisation was not completed within 30 minutes',
    });
    expect(await status(inProgress)).toMatchObject({ status: 'PENDING_AUTHORISATION' });
  });
});

describe('renewal and revocation', () => {
  it('renews a consent with a new SCA while the accounts keep their ids', async () => {
    const { apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    const before = (await gateway.graphql(ConnectionsDocument, {}, apiKey)).body.data!.connections[0];

    const renewed = await gateway.graphql(RenewConsentDocument, { id: journey.consentId, validForDays: 60 }, apiKey);
    const { authorisationUrl, consent } = renewed.body.data!.renewConsent;
    expect(consent.status).toBe('PENDING_AUTHORISATION');
    const sca = await walkScaForm(authorisationUrl, { psuId: 'alice' });
    expect((await fetch(sca.location!, { redirect: 'manual' })).status).toBe(302);

    const after = (await gateway.graphql(ConnectionsDocument, {}, apiKey)).body.data!.connections;
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before.id);
    expect(after[0].currentConsent).toMatchObject({ id: consent.id, status: 'ACTIVE' });
    expect(after[0].consents.map((c) => c.status)).toEqual(['ACTIVE', 'EXPIRED']);
    expect(after[0].accounts.map((account) => account.id).sort()).toEqual(
      before.accounts.map((account) => account.id).sort(),
    );
  });

  it('deletes the synced accounts only when revocation asks to purge, and records who revoked', async () => {
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const journey = await connectSandbox(gateway, apiKey, 'Sandbox STET Bank');
    const revoked = await gateway.graphql(RevokeConsentDocument, { id: journey.consentId, purge: true }, apiKey);
    expect(revoked.body.data!.revokeConsent.status).toBe('REVOKED');
    expect((await gateway.graphql(ConnectionsDocument, {}, apiKey)).body.data!.connections[0].accounts).toEqual([]);

    const audit = await gateway.dataSource.getRepository(AuditEvent).find({ where: { ownerId }, order: { id: 'ASC' } });
    expect(audit.map((event) => event.action)).toEqual([
      'CONSENT_STARTED',
      'CONSENT_AUTHORISED',
      'CONSENT_REVOKED',
      'ACCOUNTS_PURGED',
    ]);
    expect(audit.find((event) => event.action === 'CONSENT_REVOKED')!.principalId).toBe(ownerId);
  });

  it('completes a journey for a client that caught the bank’s redirect itself', async () => {
    const { apiKey } = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, apiKey, 'Sandbox STET Bank');
    const started = await gateway.graphql(
      StartConnectionDocument,
      { input: { institutionId, validForDays: 30, historyDays: 30, redirectUri: REDIRECT_URI } },
      apiKey,
    );
    const sca = await walkScaForm(started.body.data!.startConnection.authorisationUrl, { psuId: 'bob' });
    const completed = await gateway.graphql(
      CompleteConnectionDocument,
      { input: { callbackUrl: sca.location! } },
      apiKey,
    );
    expect(completed.body.data!.completeConnection).toMatchObject({
      id: started.body.data!.startConnection.consent.id,
      status: 'ACTIVE',
    });
    const again = await gateway.graphql(CompleteConnectionDocument, { input: { callbackUrl: sca.location! } }, apiKey);
    expect(again.body.errors![0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.callbackUrl' },
      message: expect.stringMatching(/already used/),
    });
  });
});
