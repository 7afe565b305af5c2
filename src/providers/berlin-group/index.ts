import type { ProviderStandardDefinition } from '../standard';
import { BerlinGroupAdapter } from './adapter';

/** NextGenPSD2 (Berlin Group 1.3.x): consent ids, no OAuth2, no request signing in the sandbox. */
export const berlinGroupStandard: ProviderStandardDefinition = {
  createAdapter: (endpoint, { fetch, observer, resilience }) =>
    new BerlinGroupAdapter({ endpoint, fetch, observer, resilience }),
};
