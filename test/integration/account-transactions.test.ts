import { connectSandbox } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

let gateway: TestGateway;
afterAll(() => gateway?.close());
beforeAll(async () => {
  gateway = await startTestGateway();
});

type Page = {
  edges: Array<{ cursor: string; node: { id: string; date: string } }>;
  pageInfo: { hasNextPage: boolean };
};

async function query<T>(apiKey: string, source: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: source, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const PAGE = 'edges { cursor node { id date } } pageInfo { hasNextPage }';

describe('each account’s transactions in a unified query', () => {
  it('are the same page, account by account, as the filtered transactions query gives, also after a cursor', async () => {
    const owner = await gateway.makeOwner();
    await connectSandbox(gateway, owner.apiKey, 'Sandbox Berlin Group Bank');
    await connectSandbox(gateway, owner.apiKey, 'Sandbox STET Bank');
    let accounts: Array<{ id: string; transactions: Page }> = [];
    // The first syncs run after the journeys return: wait until every account has its lines.
    for (let attempt = 0; attempt < 120; attempt += 1) {
      ({ accounts } = await query<{ accounts: typeof accounts }>(
        owner.apiKey,
        `{ accounts { id transactions(first: 3) { ${PAGE} } } }`,
      ));
      if (accounts.length > 2 && accounts.every((account) => account.transactions.edges.length === 3)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(accounts.length).toBeGreaterThan(2);

    for (const account of accounts) {
      const alone = await query<{ transactions: Page }>(
        owner.apiKey,
        `query($ids: [ID!]) { transactions(filter: { accountIds: $ids }, first: 3) { ${PAGE} } }`,
        {
          ids: [account.id],
        },
      );
      expect(account.transactions).toEqual(alone.transactions);
    }

    const after = accounts[0].transactions.edges[0].cursor;
    const { accounts: next } = await query<{ accounts: typeof accounts }>(
      owner.apiKey,
      `query($after: String) { accounts { id transactions(first: 2, after: $after) { ${PAGE} } } }`,
      { after },
    );
    const nextOfFirst = next.find((account) => account.id === accounts[0].id)!;
    expect(nextOfFirst.transactions.edges.map((edge) => edge.node.id)).toEqual(
      accounts[0].transactions.edges.slice(1, 3).map((edge) => edge.node.id),
    );
  }, 120_000);
});
