import type { DataSource } from 'typeorm';
import type { AccountingService } from './accounting/accounting.service';
import type { AccountsService } from './accounts/accounts.service';
import type { ConnectLinksService } from './connect-links/connect-links.service';
import type { ConnectionsService } from './connections/connections.service';
import type { LenderSharing } from './data-shares/lender-sharing';
import type { InstitutionsService } from './institutions/institutions.service';
import type { InvoicesService } from './invoices/invoices.service';
import type { PaymentsService } from './payments/payments.service';
import type { PayoutsService } from './payouts/payouts.service';
import type { ReconciliationService } from './reconciliation/reconciliation.service';
import type { SyncService } from './sync/sync.service';
import type { TransactionsService } from './transactions/transactions.service';

/** The services the gateway builds once at start; resolvers are made from them. */
export interface GatewayServices {
  dataSource: DataSource;
  accounts: AccountsService;
  institutions: InstitutionsService;
  connections: ConnectionsService;
  connectLinks: ConnectLinksService;
  transactions: TransactionsService;
  sync: SyncService;
  invoices: InvoicesService;
  payouts: PayoutsService;
  reconciliation: ReconciliationService;
  payments: PaymentsService;
  lenderSharing: LenderSharing;
  accounting: AccountingService;
}

/** A type-graphql resolver class and how to build its one instance from the gateway's services. */
export interface ResolverBinding<T extends object = object> {
  type: new (...args: never[]) => T;
  create(services: GatewayServices): T;
}

/**
 * What a feature folder contributes. `src/modules/index.ts` lists every module once; the data source reads the
 * entities, and the gateway and the schema emitter read the resolvers.
 */
export interface FeatureModule {
  name: string;
  /** TypeORM entity classes: the data source and the migration drift check read them. */
  entities: readonly (new () => object)[];
  resolvers: readonly ResolverBinding[];
}

export function resolver<T extends object>(
  type: new (...args: never[]) => T,
  create: (services: GatewayServices) => T,
): ResolverBinding<T> {
  return { type, create };
}
