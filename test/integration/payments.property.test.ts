import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Payment } from '../../src/modules/payments/payment.entity';
import { AccountsDocument, InitiatePaymentDocument, type InitiatePaymentInput } from '../generated/graphql';
import { connectSandbox } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * Idempotency under any interleaving: N requests with one key and one order, started in any order and overlapping
 * in any way with each other's database work and bank call, always make exactly one payment at the bank.
 */

let gateway: TestGateway;
const owners = new Map<string, { apiKey: string; id: string; debtorAccountId: string }>();

const BANKS = {
  'Sandbox Berlin Group Bank': { slug: 'berlin-group' as const, path: '/v1/payments/sepa-credit-transfers' },
  'Sandbox STET Bank': { slug: 'stet' as const, path: '/payment-requests' },
};
type BankName = keyof typeof BANKS;

beforeAll(async () => {
  gateway = await startTestGateway();
  for (const name of Object.keys(BANKS)) {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, name);
    const accounts = (await gateway.graphql(AccountsDocument, {}, owner.apiKey)).body.data!.accounts;
    owners.set(name, { ...owner, debtorAccountId: accounts[0].id });
  }
  await gateway.jobs.whenIdle();
});
afterAll(() => gateway?.close());

it('any interleaving of N identical initiatePayment requests yields exactly one payment at the bank', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...(Object.keys(BANKS) as BankName[])),
      fc.integer({ min: 2, max: 8 }),
      fc.scheduler(),
      async (bankName, count, scheduler) => {
        const owner = owners.get(bankName)!;
        const bank = BANKS[bankName];
        const input: InitiatePaymentInput = {
          idempotencyKey: randomUUID(),
          debtorAccountId: owner.debtorAccountId,
          creditorName: 'Papeterie Martin',
          creditorIban: 'DE89370400440532013000',
          amount: '18.30',
        };
        gateway.sandbox!.clearRequests();
        // The scheduler decides when each request starts relative to the others' progress.
        const requests = Array.from({ length: count }, (_, index) =>
          scheduler
            .schedule(Promise.resolve(index), `request ${index}`)
            .then(() => gateway.graphql(InitiatePaymentDocument, { input }, owner.apiKey)),
        );
        await scheduler.waitAll();
        const answers = await Promise.all(requests);

        const ids = new Set(answers.map((answer) => answer.body.data?.initiatePayment.payment.id));
        expect(answers.flatMap((answer) => answer.body.errors ?? [])).toEqual([]);
        expect(ids.size).toBe(1);
        const creations = gateway
          .sandbox!.requests(bank.slug)
          .filter((call) => call.method === 'POST' && call.path.endsWith(bank.path));
        expect(creations).toHaveLength(1);
        expect(
          await gateway.dataSource
            .getRepository(Payment)
            .countBy({ ownerId: owner.id, idempotencyKey: input.idempotencyKey }),
        ).toBe(1);
      },
    ),
    { numRuns: 12 },
  );
});
