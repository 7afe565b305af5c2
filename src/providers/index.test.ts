import { generateKeyPairSync } from 'node:crypto';
import { createProviderAdapter } from './index';

describe('createProviderAdapter', () => {
  it('picks the adapter by the institution standard', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const bg = createProviderAdapter({
      institutionId: 'a',
      standard: 'BERLIN_GROUP',
      baseUrl: 'https://bank.example/psd2',
    });
    const stet = createProviderAdapter(
      { institutionId: 'b', standard: 'STET', baseUrl: 'https://bank.example/stet', clientId: 'c' },
      { signingKey: { keyId: 'k', privateKey } },
    );
    expect([bg.standard, stet.standard]).toEqual(['BERLIN_GROUP', 'STET']);
  });

  it('refuses a STET institution without a signing key, since STET requires signed requests', () => {
    expect(() =>
      createProviderAdapter({
        institutionId: 'b',
        standard: 'STET',
        baseUrl: 'https://bank.example/stet',
        clientId: 'c',
      }),
    ).toThrow(/signing key/);
  });
});
