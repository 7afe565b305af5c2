import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AccountBalancesDocument, ConsentDocument } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('the in-process sandbox banks across a restart', () => {
  let dataDir: string;
  let gateway: TestGateway | undefined;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'passerelle-restart-'));
  });
  afterEach(async () => {
    await gateway?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('still knows every consent, so the start-up sweep expires none and the banks still answer', async () => {
    gateway = await startTestGateway({ dataDir });
    const { id: ownerId, apiKey } = await gateway.makeOwner();
    const journeys = [
      await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank'),
      await connectSandbox(gateway, apiKey, 'Sandbox STET Bank'),
      await connectSandbox(gateway, apiKey, 'Sandbox Unreliable Bank'),
    ];
    await gateway.jobs.whenIdle();
    const before = (await gateway.graphql(AccountBalancesDocument, {}, apiKey)).body.data!.accounts;
    await gateway.close();

    gateway = await startTestGateway({ dataDir });
    await gateway.connections.sweep({ ownerId });
    for (const { consentId } of journeys) {
      const { body } = await gateway.graphql(ConsentDocument, { id: consentId }, apiKey);
      expect(body.data!.consent).toMatchObject({ id: consentId, status: 'ACTIVE', statusReason: null });
    }
    const after = await gateway.graphql(AccountBalancesDocument, {}, apiKey);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.accounts.map((a) => [a.id, (a.balances?.length ?? 0) > 0])).toEqual(
      before.map((a) => [a.id, true]),
    );
  });

  it('forgets nothing written after the last request: the state file holds what the bank had', async () => {
    gateway = await startTestGateway({ dataDir });
    const { apiKey } = await gateway.makeOwner();
    await connectSandbox(gateway, apiKey, 'Sandbox Berlin Group Bank');
    await gateway.close();
    gateway = undefined;
    const saved = JSON.parse(await fs.readFile(path.join(dataDir, 'sandbox-state.json'), 'utf8')) as Record<
      string,
      { consents: { $map: [string, { status: string }][] } }
    >;
    expect(saved['berlin-group'].consents.$map.map(([, consent]) => consent.status)).toEqual(['valid']);
    expect((await fs.stat(path.join(dataDir, 'sandbox-state.json'))).mode & 0o777).toBe(0o600);
  });
});
