import fs from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../../src/server/schema';

describe('the committed GraphQL schema', () => {
  it('is exactly what the code-first schema emits (run `npm run schema:emit` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(await printGatewaySchema()).toBe(committed);
  });
});
