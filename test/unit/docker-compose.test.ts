import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';

/** There is no Docker engine on the build machines, so the compose file is checked for what `up` relies on. */
const root = path.join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), {
  strict: true,
  uniqueKeys: true,
}) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('runs Postgres, Redis and the gateway, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', 'redis']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, test: service.healthcheck?.test?.[0] }).toEqual({
        name,
        test: expect.stringMatching(/^CMD(-SHELL)?$/),
      });
    }
  });

  it('starts the gateway only once Postgres and Redis are healthy', () => {
    expect(compose.services.gateway.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('gives the gateway a configuration it accepts, pointing at the compose services with their credentials', () => {
    const env = compose.services.gateway.environment!;
    const config = loadConfig(env);
    const postgres = compose.services.postgres.environment!;
    const database = new URL(config.databaseUrl!);
    expect(database.hostname).toBe('postgres');
    expect(database.username).toBe(postgres.POSTGRES_USER);
    expect(database.password).toBe(postgres.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    expect(new URL(config.redisUrl!).hostname).toBe('redis');
    expect(compose.services.gateway.ports).toContain(`${config.port}:${config.port}`);
    expect(compose.services.gateway.healthcheck!.test.join(' ')).toContain(`:${config.port}/readyz`);
  });

  it('declares every named volume it mounts', () => {
    const mounted = Object.values(compose.services)
      .flatMap((service) => (service as { volumes?: string[] }).volumes ?? [])
      .map((volume) => volume.split(':')[0]);
    expect(mounted.sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it('builds the gateway from a Dockerfile that runs the compiled entry point', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const build = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.build as string;
    expect(compose.services.gateway.build).toBe('.');
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    expect(build).toContain('tsconfig.build.json');
    expect(
      JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8').replace(/\/\/.*$/gm, '')).compilerOptions
        .outDir,
    ).toBe('dist');
  });
});
