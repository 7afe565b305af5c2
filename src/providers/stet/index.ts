import type { ProviderStandardDefinition } from '../standard';
import { StetAdapter } from './adapter';

/** STET PSD2 1.5: OAuth2 tokens per consent and every request signed with the TPP's QSealC key. */
export const stetStandard: ProviderStandardDefinition = {
  createAdapter(endpoint, { fetch, observer, resilience, signingKey, onTokensRefreshed }) {
    if (!signingKey)
      throw new TypeError(`STET institution ${endpoint.institutionId} needs a signing key (deps.signingKey)`);
    return new StetAdapter({ endpoint, fetch, observer, resilience, signingKey, onTokensRefreshed });
  },
};
