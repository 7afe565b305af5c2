import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('runs on the embedded default when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      redisUrl: undefined,
      demoSeed: true,
      sandboxEnabled: true,
    });
    expect(config.dataDir).toBe(path.resolve('.passerelle'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses the real services when their URLs are set, and then seeds no demo keys unless asked', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@db:5432/passerelle',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@db:5432/passerelle',
      redisUrl: 'redis://cache:6379',
      demoSeed: false,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/p', DEMO_SEED: 'true' }).demoSeed).toBe(true);
  });

  it('serves the sandbox control API outside production only, with the token given or a random one', () => {
    expect(loadConfig({ SANDBOX_CONTROL_TOKEN: 'a-token-of-sixteen+' }).sandboxControlToken).toBe(
      'a-token-of-sixteen+',
    );
    expect(loadConfig({}).sandboxControlToken).toMatch(/^[\w-]{32}$/);
    expect(loadConfig({ SANDBOX_ENABLED: 'false' }).sandboxControlToken).toBeUndefined();
    const production = {
      NODE_ENV: 'production',
      ENCRYPTION_KEY: 'k',
      SANDBOX_ENABLED: 'true',
      SANDBOX_CONTROL_TOKEN: 'a-token-of-sixteen+',
    };
    expect(loadConfig(production)).toMatchObject({ sandboxEnabled: true, sandboxControlToken: undefined });
    expect(() => loadConfig({ SANDBOX_CONTROL_TOKEN: 'short-secret' })).toThrow(
      'invalid configuration: SANDBOX_CONTROL_TOKEN must be at least 16 characters',
    );
  });

  it('expires abandoned consents after 30 minutes unless configured otherwise', () => {
    expect(loadConfig({}).consentAuthorisationTimeoutMs).toBe(1_800_000);
    expect(loadConfig({ CONSENT_AUTHORISATION_TIMEOUT_SECONDS: '600' }).consentAuthorisationTimeoutMs).toBe(600_000);
    expect(() => loadConfig({ CONSENT_AUTHORISATION_TIMEOUT_SECONDS: '5' })).toThrow(
      'CONSENT_AUTHORISATION_TIMEOUT_SECONDS must be a whole number of seconds from 60 to 86400',
    );
  });

  it('lets a connect link be used for 15 minutes unless configured otherwise, an hour at most', () => {
    expect(loadConfig({}).connectLinkTtlMs).toBe(900_000);
    expect(loadConfig({ CONNECT_LINK_TTL_SECONDS: '300' }).connectLinkTtlMs).toBe(300_000);
    expect(() => loadConfig({ CONNECT_LINK_TTL_SECONDS: '7200' })).toThrow(
      'CONNECT_LINK_TTL_SECONDS must be a whole number of seconds from 60 to 3600',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' })).toMatchObject({ port: 4000, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, 'invalid configuration: PORT must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'invalid configuration: PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ PORT: '40.5' }, 'invalid configuration: PORT must be a whole number from 0 to 65535 (got "40.5")'],
    [
      { LOG_LEVEL: 'loud' },
      'invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [
      { NODE_ENV: 'staging' },
      'invalid configuration: NODE_ENV must be one of development, test, production (got "staging")',
    ],
    [{ DEMO_SEED: 'yes' }, 'invalid configuration: DEMO_SEED must be one of true, false (got "yes")'],
    [
      { REDIS_PREFIX: 'a b' },
      'invalid configuration: REDIS_PREFIX may hold only letters, digits and _ : . - (got "a b")',
    ],
    [{ DATABASE_URL: 'mysql://root@db/x' }, 'invalid configuration: DATABASE_URL must be a postgres:// URL'],
    [{ REDIS_URL: 'http://cache' }, 'invalid configuration: REDIS_URL must be a redis:// or rediss:// URL'],
    [{ PUBLIC_URL: 'not a url' }, 'invalid configuration: PUBLIC_URL must be an http:// or https:// URL'],
    [
      { CONSENT_SWEEP_SECONDS: '5' },
      'invalid configuration: CONSENT_SWEEP_SECONDS must be 0 (off) or a whole number of seconds from 10 to 86400 (got "5")',
    ],
    [
      { NODE_ENV: 'production' },
      'invalid configuration: ENCRYPTION_KEY is required in production (openssl rand -base64 32)',
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('never echoes a URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
