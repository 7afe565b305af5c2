/**
 * The sandbox institutions served by `createSandbox()`. The gateway seeds its institutions from this list, so a
 * change here is a change of the catalogue users see.
 */
import type { ProviderStandard } from '../providers/types';

export type SandboxBankSlug = 'berlin-group' | 'stet' | 'flaky';

export interface SandboxBank {
  slug: SandboxBankSlug;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  bic: string;
  standard: ProviderStandard;
  /** Where the bank's API lives under the sandbox app: the adapter's base URL is `{sandbox mount}{path}`. */
  path: string;
  /** PSD2 RTS art. 10 and common bank practice: AIS consents last at most 180 days. */
  maxConsentDays: number;
  /** How far back transactions can be read. */
  maxHistoryDays: number;
  /** National bank code used in the IBANs of this bank's accounts. */
  bankCode: string;
}

export const SANDBOX_BANKS: readonly SandboxBank[] = Object.freeze([
  {
    slug: 'berlin-group',
    name: 'Sandbox Berlin Group Bank',
    country: 'DE',
    bic: 'SBXBDEB1XXX',
    standard: 'BERLIN_GROUP',
    path: '/berlin-group',
    maxConsentDays: 180,
    maxHistoryDays: 730,
    bankCode: '10090044',
  },
  {
    slug: 'stet',
    name: 'Sandbox STET Bank',
    country: 'FR',
    bic: 'SBXSFRP1XXX',
    standard: 'STET',
    path: '/stet',
    maxConsentDays: 180,
    maxHistoryDays: 730,
    bankCode: '30077',
  },
  {
    slug: 'flaky',
    name: 'Sandbox Unreliable Bank',
    country: 'NL',
    bic: 'SBXUNL21XXX',
    standard: 'BERLIN_GROUP',
    path: '/flaky',
    maxConsentDays: 180,
    maxHistoryDays: 730,
    bankCode: 'SBXU',
  },
]);

export function sandboxBank(slug: SandboxBankSlug): SandboxBank {
  const bank = SANDBOX_BANKS.find((b) => b.slug === slug);
  if (!bank) throw new Error(`unknown sandbox bank ${slug}`);
  return bank;
}
