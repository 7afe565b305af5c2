import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../src/server/schema';

/** `npm run schema:emit`: writes the SDL the code-first schema produces to schema/schema.graphql. */
async function emit(): Promise<void> {
  const file = path.join(__dirname, '..', 'schema', 'schema.graphql');
  fs.writeFileSync(file, await printGatewaySchema());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

emit().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
