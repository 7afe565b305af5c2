import { createVerify, generateKeyPairSync } from 'node:crypto';
import { digestHeader, signatureHeader } from './http-signature';

describe('STET request signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('digests an empty body as BNP Paribas expects', () => {
    expect(digestHeader('')).toBe('SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('signs the request target and identifying headers so the bank can verify them with the certificate', () => {
    const headers = { Authorization: 'Bearer t', 'X-Request-ID': 'abc', Digest: digestHeader('') };
    const header = signatureHeader(
      { keyId: 'https://tpp.example/qseal.pem', privateKey },
      'GET',
      'https://bank.example/stet/accounts?x=1',
      headers,
    );
    const fields = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(fields.headers).toBe('(request-target) authorization digest x-request-id');
    const signingString = [
      '(request-target): get /stet/accounts?x=1',
      'authorization: Bearer t',
      `digest: ${headers.Digest}`,
      'x-request-id: abc',
    ].join('\n');
    expect(createVerify('RSA-SHA256').update(signingString).verify(publicKey, fields.signature!, 'base64')).toBe(true);
    expect(createVerify('RSA-SHA256').update(`${signingString} `).verify(publicKey, fields.signature!, 'base64')).toBe(
      false,
    );
  });
});
