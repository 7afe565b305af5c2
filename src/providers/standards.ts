import { berlinGroupStandard } from './berlin-group';
import type { ProviderStandardDefinition } from './standard';
import { stetStandard } from './stet';

/**
 * Every bank API standard the gateway speaks, by the name institutions store and GraphQL shows (`ProviderStandard`).
 * Adding a standard: one folder under `src/providers/` exporting its definition, and one line here.
 */
export const PROVIDER_STANDARDS = {
  BERLIN_GROUP: berlinGroupStandard,
  STET: stetStandard,
} as const satisfies Record<string, ProviderStandardDefinition>;

export type ProviderStandard = keyof typeof PROVIDER_STANDARDS;

export const PROVIDER_STANDARD_NAMES = Object.keys(PROVIDER_STANDARDS) as ProviderStandard[];
