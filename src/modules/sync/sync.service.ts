import type { DataSource, EntityManager } from 'typeorm';
import { IsNull, MoreThanOrEqual } from 'typeorm';
import { ConsentNotActiveError } from '../../common/errors';
import { bulkInsert, type CopyValue } from '../../db/copy';
import type { JobRunner } from '../../jobs';
import type { Logger } from '../../logger';
import { addDays, isoDate } from '../../common/dates';
import { INTERNAL_ERROR, toClientError } from '../../common/errors';
import type { ProviderTransaction, PsuContext } from '../../providers';
import { diffFeed, storedLinesSince, type AddedChange, type FeedChange, type StoredTransaction } from './engine';
import { Account } from '../accounts/account.entity';
import type { ConsentAccess } from '../connections/consent-access';
import { Connection } from '../connections/connection.entity';
import { Consent } from '../connections/consent.entity';
import { ConsentStatus } from '../connections/consent-scope';
import type { AppendedEvents, EventsService } from '../events/events.service';
import { Transaction, TransactionStatus } from '../transactions/transaction.entity';
import { AccountSyncState } from './account-sync-state.entity';

/**
 * Over 400 lines on purpose: one sync's steps (bank reads, feed diff, COPY of lines and outbox events, progress) run in
 * one database transaction and share its state; the diff itself is the pure engine in ./engine.
 */

export const TRANSACTION_TOPIC = 'transaction';
export const SYNC_TOPIC = 'sync';
const SYNC_JOB = 'sync';
const SYNC_DUE_JOB = 'sync-due';

/** The payload of a `transaction` outbox event: one per stored change. */
export interface TransactionEventPayload {
  kind: FeedChange['kind'];
  transactionId: string;
  accountId: string;
  /** For SETTLED: the bank id the pending line had. */
  supersededProviderTransactionId?: string;
  /** For REMOVED: PENDING_RELEASED or BOOKED_VANISHED. */
  reason?: string;
}

export const SYNC_STATES = ['RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** The payload of a `sync` outbox event: progress of one connection's sync. */
export interface SyncProgressPayload {
  connectionId: string;
  state: SyncState;
  accountsDone: number;
  accountsTotal: number;
  added: number;
  settled: number;
  modified: number;
  removed: number;
  error?: { code: string; message: string };
}

interface SyncJobData {
  connectionId: string;
  /** Present when the user asked for the sync while at the screen: then it does not spend the unattended budget. */
  psuIpAddress?: string;
}

/** Re-read this many days before the end of the last synced window: banks book late and correct recent lines. */
export const OVERLAP_DAYS = 10;
/**
 * Scheduled syncs run at most every 8 hours: three unattended reads a day per account, leaving one of the four PSD2
 * allows (RTS art. 36(5)) for unattended balance reads.
 */
export const SCHEDULED_SYNC_INTERVAL_MS = 8 * 60 * 60 * 1000;

export interface SyncServiceDeps {
  dataSource: DataSource;
  consentAccess: ConsentAccess;
  events: EventsService;
  jobs: JobRunner;
  logger: Logger;
  now?: () => Date;
  /** Called after a sync that added or settled lines, which may pay open invoices. */
  onSynced?: (ownerId: string) => Promise<unknown>;
}

/**
 * Pulls transactions from the banks into the store. Each account's feed is diffed against the stored lines
 * (./engine) and the changes are written, with one outbox event each, in one database transaction: subscribers see a
 * change if and only if it was stored. Jobs run on the job runner, one at a time per connection.
 */
export class SyncService {
  private readonly now: () => Date;

  constructor(private readonly deps: SyncServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    // A failed sync reports FAILED on syncProgress and is not retried at once: the bank already answered (down,
    // consent gone, budget spent), and the next scheduled run tries again.
    deps.jobs.register<SyncJobData>(
      SYNC_JOB,
      async (data) => void (await this.syncConnection(data.connectionId, { ipAddress: data.psuIpAddress })),
      {
        exclusiveKey: (data) => `connection.${data.connectionId}`,
        concurrency: 4,
      },
    );
    deps.jobs.register(SYNC_DUE_JOB, () => this.enqueueDue(), { exclusiveKey: () => SYNC_DUE_JOB });
  }

  /** Queues a sync of one connection; a sync already queued for it absorbs this one. Returns the job id. */
  request(connectionId: string, psu: PsuContext = {}): Promise<string> {
    const data: SyncJobData = { connectionId, ...(psu.ipAddress ? { psuIpAddress: psu.ipAddress } : {}) };
    return this.deps.jobs.enqueue(SYNC_JOB, data, { dedupId: `sync.${connectionId}`, attempts: 3, backoffMs: 5_000 });
  }

  /**
   * A refresh the owner asks for: refused at once, with the consent's state as the code, unless the connection has
   * an active consent; otherwise the job would only fail later inside `syncProgress`.
   */
  async refresh(connectionId: string, psu: PsuContext): Promise<string> {
    const consents = await this.deps.dataSource
      .getRepository(Consent)
      .find({ where: { connectionId }, order: { createdAt: 'DESC', id: 'ASC' } });
    if (!consents.some((consent) => consent.status === ConsentStatus.ACTIVE)) {
      const current = consents[0]?.status;
      if (current === ConsentStatus.REVOKED)
        throw new ConsentNotActiveError(
          'CONSENT_REVOKED',
          'the consent of this connection was revoked; start a new connection',
        );
      if (current === ConsentStatus.EXPIRED)
        throw new ConsentNotActiveError('CONSENT_EXPIRED', 'the consent of this connection expired; renew it first');
      throw new ConsentNotActiveError('CONSENT_INVALID', 'this connection has no authorised consent yet');
    }
    return this.request(connectionId, psu);
  }

  /** Declares the schedule that queues the syncs that are due; every replica may declare it. */
  async schedule(everyMs: number): Promise<void> {
    await this.deps.jobs.repeat(SYNC_DUE_JOB, {}, { everyMs });
  }

  /** Queues a sync for every connection with a live consent whose accounts were last synced long enough ago. */
  async enqueueDue(): Promise<void> {
    const dueBefore = new Date(this.now().getTime() - SCHEDULED_SYNC_INTERVAL_MS);
    const rows: Array<{ connection_id: string }> = await this.deps.dataSource.query(
      `SELECT DISTINCT c.connection_id
         FROM consent c
         JOIN account a ON a.connection_id = c.connection_id
         LEFT JOIN account_sync_state s ON s.account_id = a.id
        WHERE c.status = $1 AND (s.last_synced_at IS NULL OR s.last_synced_at < $2)`,
      [ConsentStatus.ACTIVE, dueBefore],
    );
    for (const row of rows) await this.request(row.connection_id);
  }

  /**
   * One connection, every account: the first sync reads the consent's history window, later ones overlap the last
   * window by OVERLAP_DAYS. Progress is streamed on `syncProgress`. A bank error ends the sync with that error.
   */
  async syncConnection(connectionId: string, psu: PsuContext = {}): Promise<SyncProgressPayload> {
    const connection = await this.deps.dataSource.getRepository(Connection).findOneByOrFail({ id: connectionId });
    const accounts = await this.deps.dataSource
      .getRepository(Account)
      .find({ where: { connectionId }, order: { id: 'ASC' } });
    const progress: SyncProgressPayload = {
      connectionId,
      state: 'RUNNING',
      accountsDone: 0,
      accountsTotal: accounts.length,
      added: 0,
      settled: 0,
      modified: 0,
      removed: 0,
    };
    await this.report(connection.ownerId, progress);
    try {
      const access = await this.deps.consentAccess.forConnection(connectionId);
      for (const account of accounts) {
        const counts = await this.syncAccount(account, access.consent, async (window) => {
          // Checked again right before the call: a revocation during a long sync stops the next bank call.
          const live = await this.deps.consentAccess.forConnection(connectionId);
          const page = await live.adapter.getTransactions(
            live.handle,
            account.providerAccountId,
            { ...window, status: 'BOTH' },
            psu,
          );
          return page.transactions;
        });
        progress.accountsDone += 1;
        progress.added += counts.ADDED;
        progress.settled += counts.SETTLED;
        progress.modified += counts.MODIFIED;
        progress.removed += counts.REMOVED;
        await this.report(connection.ownerId, progress);
      }
      progress.state = 'SUCCEEDED';
    } catch (error) {
      progress.state = 'FAILED';
      const expected = toClientError(error);
      progress.error = expected
        ? { code: expected.extensions.code, message: expected.message }
        : { code: INTERNAL_ERROR.extensions.code, message: 'the sync failed' };
      if (!expected) this.deps.logger.error({ err: error, connectionId }, 'sync failed');
    }
    await this.report(connection.ownerId, progress);
    if (progress.added >= ANALYZE_AFTER_ROWS) {
      // A first sync's bulk load can double the table before autovacuum notices: without fresh statistics the
      // planner leaves the (account_id, date, id) index for sequential scans on the next queries.
      await this.deps.dataSource
        .query('ANALYZE "transaction"')
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'ANALYZE after a bulk load failed'));
    }
    if (progress.added + progress.settled > 0) {
      // The lines are stored whatever happens next: a failure to queue the follow-up must not fail the sync.
      await this.deps
        .onSynced?.(connection.ownerId)
        .catch((error: unknown) => this.deps.logger.error({ err: error, connectionId }, 'post-sync hook failed'));
    }
    return progress;
  }

  /**
   * Applies one account's feed for a window. Exposed for the ingest benchmark, which feeds it generated lines.
   */
  async syncAccount(
    account: Account,
    consent: Pick<Consent, 'historyDays'>,
    readFeed: (window: { dateFrom: string; dateTo: string }) => Promise<ProviderTransaction[]>,
  ): Promise<Record<FeedChange['kind'], number>> {
    const state = await this.deps.dataSource.getRepository(AccountSyncState).findOneBy({ accountId: account.id });
    const today = isoDate(this.now());
    const historyStart = addDays(today, -consent.historyDays);
    const from = state ? maxDate(addDays(state.syncedThrough, -OVERLAP_DAYS), historyStart) : historyStart;
    const feed = await readFeed({ dateFrom: from, dateTo: today });

    const stored = await this.storedLines(account.id, storedLinesSince(from));
    const { changes } = diffFeed({ stored, window: { from, to: today }, feed });
    const applicable =
      feed.length === 0
        ? changes.filter((change) => !(change.kind === 'REMOVED' && change.reason === 'BOOKED_VANISHED'))
        : changes;
    if (applicable.length !== changes.length) {
      // An empty feed over a window that held booked lines is far likelier a bank glitch than a mass deletion.
      this.deps.logger.warn({ accountId: account.id }, 'the bank sent an empty feed; booked lines kept');
    }

    const events = await this.deps.dataSource.transaction((manager) => this.apply(manager, account, applicable, today));
    await this.deps.events.publish(events);
    const counts = { ADDED: 0, SETTLED: 0, MODIFIED: 0, REMOVED: 0 };
    for (const change of applicable) counts[change.kind] += 1;
    return counts;
  }

  private async apply(
    manager: EntityManager,
    account: Account,
    changes: FeedChange[],
    syncedThrough: string,
  ): Promise<AppendedEvents[]> {
    const inserts: CopyValue[][] = [];
    for (const change of changes) {
      switch (change.kind) {
        case 'ADDED':
          inserts.push(insertRow(account, change));
          break;
        case 'SETTLED':
        case 'MODIFIED':
          await manager.update(
            Transaction,
            { id: change.id },
            { fingerprint: change.fingerprint, ...columnsOf(change.transaction) },
          );
          break;
        case 'REMOVED':
          await manager.update(Transaction, { id: change.id }, { removedAt: this.now() });
          break;
        default: {
          const never: never = change;
          throw new Error(`unknown change ${String(never)}`);
        }
      }
    }
    await bulkInsert(
      manager,
      'transaction',
      INSERT_COLUMNS.map(([, column]) => column),
      inserts,
    );
    await manager.upsert(AccountSyncState, { accountId: account.id, lastSyncedAt: this.now(), syncedThrough }, [
      'accountId',
    ]);
    const payloads = changes
      // A re-stamp of the fingerprint column after a recipe change is bookkeeping, not news for subscribers.
      .filter(
        (change) =>
          !(
            change.kind === 'MODIFIED' &&
            change.changedFields.length === 1 &&
            change.changedFields[0] === 'fingerprint'
          ),
      )
      .map((change): TransactionEventPayload => ({
        kind: change.kind,
        transactionId: change.id,
        accountId: account.id,
        ...(change.kind === 'SETTLED'
          ? { supersededProviderTransactionId: change.supersededProviderTransactionId }
          : {}),
        ...(change.kind === 'REMOVED' ? { reason: change.reason } : {}),
      }));
    return this.deps.events.appendMany(manager, TRANSACTION_TOPIC, account.ownerId, payloads);
  }

  private async storedLines(accountId: string, since: string): Promise<StoredTransaction[]> {
    const rows = await this.deps.dataSource.getRepository(Transaction).find({
      where: { accountId, removedAt: IsNull(), date: MoreThanOrEqual(since) },
    });
    return rows.map(toStored);
  }

  private async report(ownerId: string, progress: SyncProgressPayload): Promise<void> {
    const event = await this.deps.dataSource.transaction((manager) =>
      this.deps.events.append(manager, SYNC_TOPIC, ownerId, progress),
    );
    await this.deps.events.publish([event]);
  }
}

/** The columns a sync writes for a new line, and the entity properties they come from. */
const INSERT_COLUMNS: ReadonlyArray<[keyof Transaction, string]> = [
  ['id', 'id'],
  ['accountId', 'account_id'],
  ['ownerId', 'owner_id'],
  ['providerTransactionId', 'provider_transaction_id'],
  ['status', 'status'],
  ['amount', 'amount'],
  ['currency', 'currency'],
  ['date', 'date'],
  ['bookingDate', 'booking_date'],
  ['valueDate', 'value_date'],
  ['counterpartyName', 'counterparty_name'],
  ['counterpartyIban', 'counterparty_iban'],
  ['counterpartyBic', 'counterparty_bic'],
  ['remittanceInformation', 'remittance_unstructured'],
  ['structuredReference', 'remittance_structured'],
  ['endToEndId', 'end_to_end_id'],
  ['mandateId', 'mandate_id'],
  ['creditorId', 'creditor_id'],
  ['bankTransactionCode', 'bank_transaction_code'],
  ['merchantCategoryCode', 'merchant_category_code'],
  ['entryReference', 'entry_reference'],
  ['fingerprint', 'fingerprint'],
];

/** New lines in one sync from which the table's statistics are refreshed at once. */
const ANALYZE_AFTER_ROWS = 1_000;

/** A new line as a COPY row. Assigned, not spread: a first sync builds a year of these. */
function insertRow(account: Account, change: AddedChange): CopyValue[] {
  const row = columnsOf(change.transaction);
  row.id = change.id;
  row.accountId = account.id;
  row.ownerId = account.ownerId;
  row.fingerprint = change.fingerprint;
  return INSERT_COLUMNS.map(([property]) => row[property] as CopyValue);
}

function columnsOf(line: ProviderTransaction): Partial<Transaction> {
  return {
    providerTransactionId: line.providerTransactionId,
    status: line.status === 'BOOKED' ? TransactionStatus.BOOKED : TransactionStatus.PENDING,
    amount: line.amount.amount,
    currency: line.amount.currency,
    date: line.date,
    bookingDate: line.bookingDate ?? null,
    valueDate: line.valueDate ?? null,
    counterpartyName: line.counterparty?.name ?? null,
    counterpartyIban: line.counterparty?.iban ?? null,
    counterpartyBic: line.counterparty?.bic ?? null,
    remittanceInformation: line.remittanceUnstructured ?? null,
    structuredReference: line.remittanceStructured ?? null,
    endToEndId: line.endToEndId ?? null,
    mandateId: line.mandateId ?? null,
    creditorId: line.creditorId ?? null,
    bankTransactionCode: line.bankTransactionCode ?? null,
    merchantCategoryCode: line.merchantCategoryCode ?? null,
    entryReference: line.entryReference ?? null,
  };
}

function toStored(row: Transaction): StoredTransaction {
  const optional = <T>(value: T | null): T | undefined => value ?? undefined;
  const counterparty =
    row.counterpartyName || row.counterpartyIban || row.counterpartyBic
      ? {
          name: optional(row.counterpartyName),
          iban: optional(row.counterpartyIban),
          bic: optional(row.counterpartyBic),
        }
      : undefined;
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    providerTransactionId: row.providerTransactionId,
    amount: { amount: row.amount, currency: row.currency },
    status: row.status,
    date: row.date,
    bookingDate: optional(row.bookingDate),
    valueDate: optional(row.valueDate),
    counterparty,
    remittanceUnstructured: optional(row.remittanceInformation),
    remittanceStructured: optional(row.structuredReference),
    endToEndId: optional(row.endToEndId),
    mandateId: optional(row.mandateId),
    creditorId: optional(row.creditorId),
    bankTransactionCode: optional(row.bankTransactionCode),
    merchantCategoryCode: optional(row.merchantCategoryCode),
    entryReference: optional(row.entryReference),
  };
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}
