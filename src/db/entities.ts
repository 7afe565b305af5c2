import { Account } from '../modules/accounts/account.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { Connection } from '../modules/connections/connection.entity';
import { Consent } from '../modules/connections/consent.entity';
import { OutboxBatch } from '../modules/events/outbox-batch.entity';
import { OutboxHorizon } from '../modules/events/outbox-horizon.entity';
import { Institution } from '../modules/institutions/institution.entity';
import { Invoice } from '../modules/invoices/invoice.entity';
import { PayoutReport } from '../modules/payouts/payout-report.entity';
import { ApiKey } from '../modules/principals/api-key.entity';
import { Match } from '../modules/reconciliation/match.entity';
import { ReconciliationRequest } from '../modules/reconciliation/reconciliation-request.entity';
import { AccountSyncState } from '../modules/sync/account-sync-state.entity';
import { Transaction } from '../modules/transactions/transaction.entity';
import { Principal } from '../modules/principals/principal.entity';

/** Every TypeORM entity, in one list for the DataSource and the migration drift check. */
export const entities = [
  Principal,
  ApiKey,
  Institution,
  Connection,
  Consent,
  Account,
  AuditEvent,
  OutboxBatch,
  OutboxHorizon,
  Transaction,
  AccountSyncState,
  PayoutReport,
  Invoice,
  Match,
  ReconciliationRequest,
];
