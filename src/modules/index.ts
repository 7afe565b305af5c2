import { accountingModule } from './accounting/accounting.module';
import { accountsModule } from './accounts/accounts.module';
import { auditModule } from './audit/audit.module';
import { connectLinksModule } from './connect-links/connect-links.module';
import { connectionsModule } from './connections/connections.module';
import { dataSharesModule } from './data-shares/data-shares.module';
import { eventsModule } from './events/events.module';
import type { FeatureModule } from './feature-module';
import { institutionsModule } from './institutions/institutions.module';
import { invoicesModule } from './invoices/invoices.module';
import { paymentsModule } from './payments/payments.module';
import { payoutsModule } from './payouts/payouts.module';
import { principalsModule } from './principals/principals.module';
import { reconciliationModule } from './reconciliation/reconciliation.module';
import { syncModule } from './sync/sync.module';
import { transactionsModule } from './transactions/transactions.module';

export type { FeatureModule, GatewayServices, ResolverBinding } from './feature-module';

/** Every feature of the gateway, once: a new feature adds its module object here and nowhere else. */
export const modules: readonly FeatureModule[] = [
  principalsModule,
  institutionsModule,
  connectionsModule,
  connectLinksModule,
  accountsModule,
  auditModule,
  eventsModule,
  transactionsModule,
  syncModule,
  invoicesModule,
  payoutsModule,
  reconciliationModule,
  accountingModule,
  paymentsModule,
  dataSharesModule,
];

/** Every TypeORM entity, for the data source and the migration drift check. */
export const entities = modules.flatMap((module) => module.entities);

/** Every resolver binding, for the schema (classes) and the gateway (instances). */
export const resolverBindings = modules.flatMap((module) => module.resolvers);
