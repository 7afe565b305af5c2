import type { DataSource } from 'typeorm';
import { SANDBOX_BANKS } from '../../sandbox/banks';
import { Institution, InstitutionCapability, ProviderStandardEnum } from './institution.entity';

/** Where sandbox institutions point: resolved against wherever the sandbox banks are served (see `apiBaseUrl`). */
export const SANDBOX_URL_SCHEME = 'sandbox:';

/**
 * Puts the sandbox banks in the institutions catalogue. Idempotent: keyed on the slug, so a restart (or several
 * gateways starting at once) updates the rows in place and never duplicates them.
 */
export async function seedSandboxInstitutions(dataSource: DataSource): Promise<void> {
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(Institution)
    .values(
      SANDBOX_BANKS.map((bank) => ({
        slug: `sandbox-${bank.slug}`,
        name: bank.name,
        country: bank.country,
        bic: bank.bic,
        standard: ProviderStandardEnum[bank.standard],
        capabilities: [InstitutionCapability.AIS, InstitutionCapability.PIS],
        maxHistoryDays: bank.maxHistoryDays,
        maxConsentDays: bank.maxConsentDays,
        apiBaseUrl: `${SANDBOX_URL_SCHEME}${bank.path}`,
      })),
    )
    .orUpdate(
      ['name', 'country', 'bic', 'standard', 'capabilities', 'max_history_days', 'max_consent_days', 'api_base_url'],
      ['slug'],
    )
    .execute();
}
