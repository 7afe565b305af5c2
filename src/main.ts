import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { startGateway, StartupError } from './server/gateway';

/**
 * `npm start`. Prints the URL and, on the embedded default, the demo keys on lines of their own
 * (`owner api key: ...`, `lender api key: ...`) for people and scripts to read.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config);
  const lines = [
    `Passerelle is listening on ${gateway.url}/graphql`,
    `app: ${gateway.url}/app`,
    `explorer: ${gateway.url}/explorer`,
  ];
  if (gateway.demoKeys) {
    lines.push(`owner api key: ${gateway.demoKeys.ownerKey}`, `lender api key: ${gateway.demoKeys.lenderKey}`);
  }
  if (config.sandboxControlToken) {
    lines.push(
      `sandbox control api: ${gateway.url}/sandbox/_control (see src/sandbox/README.md)`,
      `sandbox control token: ${config.sandboxControlToken}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // A configuration or start-up problem is one line naming what to fix; anything else keeps its stack for debugging.
  const message =
    error instanceof ConfigError || error instanceof StartupError
      ? error.message
      : String((error as Error).stack ?? error);
  process.stderr.write(`passerelle: ${message}\n`);
  process.exit(1);
});
