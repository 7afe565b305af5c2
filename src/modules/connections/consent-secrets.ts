import { createHmac } from 'node:crypto';
import type { ConsentHandle, ProviderTokens } from '../../providers';
import type { TokenCipher } from '../../security/token-cipher';
import type { Consent } from './consent.entity';

/**
 * The bank's consent id and OAuth tokens go to the database only through here: encrypted with the configured key,
 * plus a keyed hash of the consent id so a row can be found from it without storing it in clear.
 */
export class ConsentSecrets {
  constructor(
    private readonly cipher: TokenCipher,
    private readonly lookupKey: Buffer,
  ) {}

  seal(
    providerConsentId: string,
    tokens?: ProviderTokens,
  ): Pick<Consent, 'providerConsentIdEnc' | 'providerConsentLookup' | 'providerTokensEnc'> {
    return {
      providerConsentIdEnc: this.cipher.encrypt(providerConsentId),
      providerConsentLookup: this.lookup(providerConsentId),
      providerTokensEnc: tokens ? this.cipher.encrypt(JSON.stringify(tokens)) : null,
    };
  }

  sealTokens(tokens: ProviderTokens): string {
    return this.cipher.encrypt(JSON.stringify(tokens));
  }

  lookup(providerConsentId: string): string {
    return createHmac('sha256', this.lookupKey).update(providerConsentId).digest('hex');
  }

  /** What an adapter needs to act for this consent; null once the secrets are wiped (revoked, expired). */
  handle(consent: Consent): ConsentHandle | null {
    if (!consent.providerConsentIdEnc) return null;
    return {
      providerConsentId: this.cipher.decrypt(consent.providerConsentIdEnc),
      tokens: consent.providerTokensEnc
        ? (JSON.parse(this.cipher.decrypt(consent.providerTokensEnc)) as ProviderTokens)
        : undefined,
      scopes: consent.scopes,
    };
  }
}
