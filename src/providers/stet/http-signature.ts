/**
 * STET 1.5 §3.5.1 (and the BNP recordings): every request carries `Digest` (RFC 3230, SHA-256 of the body, empty
 * body included) and `Signature` (draft-cavage-http-signatures-10, rsa-sha256 with the TPP's QSealC key) over
 * `(request-target)` and the headers that identify the request.
 */
import { createHash, createSign, type KeyObject } from 'node:crypto';

export interface HttpSigningKey {
  /** The URL of the QSealC certificate (STET: `keyId` is the certificate's location or fingerprint). */
  keyId: string;
  privateKey: KeyObject | string;
}

export function digestHeader(body: string): string {
  return `SHA-256=${createHash('sha256').update(body, 'utf8').digest('base64')}`;
}

const signedHeaderOrder = ['authorization', 'content-type', 'digest', 'psu-ip-address', 'x-request-id'];

/** The Signature header for a request whose other headers are final. */
export function signatureHeader(
  key: HttpSigningKey,
  method: string,
  url: string,
  headers: Record<string, string>,
): string {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const target = new URL(url);
  const names = ['(request-target)', ...signedHeaderOrder.filter((name) => lower[name] !== undefined)];
  const signingString = names
    .map((name) =>
      name === '(request-target)'
        ? `(request-target): ${method.toLowerCase()} ${target.pathname}${target.search}`
        : `${name}: ${lower[name]}`,
    )
    .join('\n');
  const signature = createSign('RSA-SHA256').update(signingString).sign(key.privateKey, 'base64');
  return `keyId="${key.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
}
