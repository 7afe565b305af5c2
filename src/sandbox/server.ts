import { randomBytes } from 'node:crypto';
import { createSandbox, SANDBOX_BANKS } from './index';

/** Standalone sandbox banks: `npm run sandbox -- --port 4100`. */
function portFromArgs(argv: string[]): number {
  const index = argv.indexOf('--port');
  const value = index >= 0 ? Number(argv[index + 1]) : 4100;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`invalid --port ${argv[index + 1]}`);
  return value;
}

const port = portFromArgs(process.argv.slice(2));
const controlToken = randomBytes(24).toString('base64url');
// A gateway on its default port may connect at once; other clients register through the control API.
const oauthClients = {
  passerelle: ['http://localhost:4000/connections/callback', 'http://127.0.0.1:4000/connections/callback'],
};
const { app } = createSandbox({ controlToken, oauthClients });
const server = app.listen(port, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  for (const bank of SANDBOX_BANKS) {
    // eslint-disable-next-line no-console -- the runner's only output: where each bank listens
    console.log(`${bank.name} (${bank.standard}) at http://localhost:${actual}${bank.path}`);
  }
  // eslint-disable-next-line no-console -- the control API's token, as the gateway prints it
  console.log(`control API at http://localhost:${actual}/_control, token: ${controlToken}`);
});
