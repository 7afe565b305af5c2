import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { In, Not, type DataSource, type EntityManager } from 'typeorm';
import { InvalidInputError, NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { decodeCursor, toForwardConnection, type Connection } from '../../common/relay';
import { bulkInsert } from '../../db/copy';
import type { JobRunner } from '../../jobs';
import {
  reconcile,
  type BankCredit,
  type MatchMemory,
  type OpenInvoice,
  type PayoutReport as EnginePayout,
  type ReconciliationResult,
} from './engine';
import type { EventsService } from '../events/events.service';
import { Invoice, InvoiceStatus } from '../invoices/invoice.entity';
import { lockInvoicesOf } from '../invoices/invoice-lock';
import { statusOf } from '../invoices/invoices.service';
import { PayoutReport } from '../payouts/payout-report.entity';
import { Transaction, TransactionStatus } from '../transactions/transaction.entity';
import { Match, MatchState } from './match.entity';

/**
 * Over 400 lines on purpose: it is the one bridge between the store and the pure engine (reading its inputs, writing
 * its decisions and their events, and the owner's confirm/reject), all under the owner's reconciliation lock.
 */

export const RECONCILIATION_TOPIC = 'reconciliation';
const NO_ID = '00000000-0000-0000-0000-000000000000';

export interface MatchQuery {
  state?: MatchState | null;
  invoiceId?: string | null;
  transactionId?: string | null;
  from?: string | null;
  to?: string | null;
  first: number;
  after?: string | null;
}
const RECONCILE_JOB = 'reconcile';

/** The payload of a `reconciliation` outbox event: one per decision on a match, the engine's or the owner's. */
export interface ReconciliationEventPayload {
  matchId: string;
  state: MatchState;
}

interface ReconcileJobData {
  ownerId: string;
}

export interface ReconciliationServiceDeps {
  dataSource: DataSource;
  events: EventsService;
  jobs: JobRunner;
}

/**
 * Runs the matching engine (./engine) over an owner's stored invoices and bank lines, and keeps what it
 * decided: matches, amounts paid, and one outbox event per decision, in one database transaction.
 */
export class ReconciliationService {
  constructor(private readonly deps: ReconciliationServiceDeps) {
    deps.jobs.register<ReconcileJobData>(RECONCILE_JOB, (data) => this.runUntilCurrent(data.ownerId), {
      exclusiveKey: (data) => `reconcile.${data.ownerId}`,
      // A run that has started no longer absorbs requests: after its last look at the count, its job still sits in
      // the queue (lock release, BullMQ's move to completed), and a request absorbed then would never be run.
      dedupOnlyWhileQueued: true,
    });
  }

  /**
   * Queues a run for this owner; a run already queued and not yet started absorbs it, so a burst of pushes and syncs
   * runs once. A run already started does not: the request queues the next run, and the count tells the running one
   * that it was asked again (see ReconciliationRequest).
   */
  async request(ownerId: string): Promise<string> {
    await this.deps.dataSource.query(
      `INSERT INTO reconciliation_request (owner_id, requested) VALUES ($1, 1)
       ON CONFLICT (owner_id) DO UPDATE SET requested = reconciliation_request.requested + 1`,
      [ownerId],
    );
    return this.deps.jobs.enqueue<ReconcileJobData>(
      RECONCILE_JOB,
      { ownerId },
      { dedupId: `reconcile.${ownerId}`, attempts: 3, backoffMs: 2_000 },
    );
  }

  /**
   * Matches the owner's open invoices against booked lines that no live match holds yet. A credit already linked is
   * left out, so the same money is never linked twice; rejected pairs and confirmed payers are the engine's memory.
   * Returns the matches it created.
   */
  async run(ownerId: string): Promise<Match[]> {
    return (await this.runOnce(ownerId)).created;
  }

  /** Runs until a run has read everything that asked for one (see ReconciliationRequest). */
  private async runUntilCurrent(ownerId: string): Promise<void> {
    for (;;) {
      const { requested } = await this.runOnce(ownerId);
      if ((await this.requestCount(this.deps.dataSource.manager, ownerId)) === requested) return;
    }
  }

  private async requestCount(manager: EntityManager, ownerId: string): Promise<string> {
    const [row] = (await manager.query(
      'SELECT requested::text AS requested FROM reconciliation_request WHERE owner_id = $1',
      [ownerId],
    )) as Array<{ requested: string }>;
    return row?.requested ?? '0';
  }

  private async runOnce(ownerId: string): Promise<{ created: Match[]; requested: string }> {
    const { created, events, requested } = await this.deps.dataSource.transaction(async (manager) => {
      await lockInvoicesOf(manager, ownerId);
      // Read before the invoices and lines: every change behind a request counted here committed before it was counted.
      const requested = await this.requestCount(manager, ownerId);
      const invoices = await manager
        .getRepository(Invoice)
        .findBy({ ownerId, status: In([InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID]) });
      if (invoices.length === 0) return { created: [], events: [], requested };
      const lines = await manager
        .getRepository(Transaction)
        .createQueryBuilder('t')
        .where('t.owner_id = :ownerId AND t.status = :booked AND t.removed_at IS NULL', {
          ownerId,
          booked: TransactionStatus.BOOKED,
        })
        .andWhere(`NOT EXISTS (SELECT 1 FROM "match" m WHERE m.transaction_id = t.id AND m.state <> :rejected)`, {
          rejected: MatchState.REJECTED,
        })
        .getMany();
      const result = reconcile({
        invoices: invoices.map(toOpenInvoice),
        // Debits go in too: a debit sending the same money back to the payer marks a credit as reversed.
        credits: lines.filter((line) => new Decimal(line.amount).decimalPlaces() <= 2).map(toBankCredit),
        payouts: (await manager.getRepository(PayoutReport).findBy({ ownerId })).map(toPayoutReport),
        memory: await this.memoryOf(manager, ownerId),
      });
      const created = await this.store(manager, ownerId, result, invoices);
      const events = await this.deps.events.appendMany(
        manager,
        RECONCILIATION_TOPIC,
        ownerId,
        created.map((match): ReconciliationEventPayload => ({ matchId: match.id, state: match.state })),
      );
      return { created, events, requested };
    });
    await this.deps.events.publish(events);
    return { created, requested };
  }

  /** The owner's matches by the bank line's date, oldest first, the pairs of one payment side by side. */
  async list(ownerId: string, query: MatchQuery): Promise<Connection<Match>> {
    if (query.from && query.to && query.from > query.to)
      throw new InvalidInputError('from', 'from must not be after to');
    const builder = this.deps.dataSource
      .getRepository(Match)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.transaction', 't')
      .innerJoinAndSelect('m.invoice', 'i')
      .where('m.owner_id = :ownerId', { ownerId })
      .orderBy('t.date', 'ASC')
      .addOrderBy('m.transaction_id', 'ASC')
      .addOrderBy('m.id', 'ASC');
    if (query.state) builder.andWhere('m.state = :state', { state: query.state });
    // An id that is not a UUID names nothing: the filter then matches no row rather than failing the query.
    if (query.invoiceId)
      builder.andWhere('m.invoice_id = :invoiceId', { invoiceId: isUuid(query.invoiceId) ? query.invoiceId : NO_ID });
    if (query.transactionId)
      builder.andWhere('m.transaction_id = :transactionId', {
        transactionId: isUuid(query.transactionId) ? query.transactionId : NO_ID,
      });
    if (query.from) builder.andWhere('t.date >= :from', { from: query.from });
    if (query.to) builder.andWhere('t.date <= :to', { to: query.to });
    if (query.after) {
      const [date, transactionId, id] = decodeCursor(query.after, ['date', 'uuid', 'uuid']);
      builder.andWhere('(t.date, m.transaction_id, m.id) > (:date, :transactionId, :id)', { date, transactionId, id });
    }
    const rows = await builder.take(query.first + 1).getMany();
    return toForwardConnection(rows, query.first, Boolean(query.after), (row) => [
      row.transaction.date,
      row.transactionId,
      row.id,
    ]);
  }

  async findOwned(ownerId: string, id: string): Promise<Match | null> {
    if (!isUuid(id)) return null;
    return this.deps.dataSource
      .getRepository(Match)
      .findOne({ where: { id, ownerId }, relations: { transaction: true, invoice: true } });
  }

  /** The owner agrees: the match stays, and its payer is remembered as paying for that customer. */
  async confirm(ownerId: string, id: string): Promise<Match> {
    return this.decide(ownerId, id, MatchState.CONFIRMED);
  }

  /**
   * The owner says no: the pair is never proposed again, the invoice gets back what the match had allocated, and a
   * new run looks for the right match of both the transaction and the invoice. The other pairs of the same payment
   * that the owner has not confirmed are withdrawn with it, so the run re-reads the whole payment and no pair is left
   * holding part of it.
   */
  async reject(ownerId: string, id: string): Promise<Match> {
    const match = await this.decide(ownerId, id, MatchState.REJECTED, async (manager, rejected) => {
      const siblings = await manager.getRepository(Match).findBy({
        linkId: rejected.linkId,
        ownerId,
        id: Not(rejected.id),
        state: In([MatchState.AUTO_CONFIRMED, MatchState.SUGGESTED]),
      });
      if (siblings.length > 0)
        await manager.update(
          Match,
          { id: In(siblings.map((sibling) => sibling.id)) },
          { state: MatchState.REJECTED, withdrawn: true },
        );
      for (const invoiceId of new Set([rejected.invoiceId, ...siblings.map((sibling) => sibling.invoiceId)]))
        await this.restoreInvoice(manager, invoiceId);
      return siblings.map((sibling) => sibling.id);
    });
    await this.request(ownerId);
    return match;
  }

  private async decide(
    ownerId: string,
    id: string,
    state: MatchState.CONFIRMED | MatchState.REJECTED,
    after?: (manager: EntityManager, match: Match) => Promise<string[]>,
  ): Promise<Match> {
    const events = await this.deps.dataSource.transaction(async (manager) => {
      await lockInvoicesOf(manager, ownerId);
      const match = isUuid(id) ? await manager.getRepository(Match).findOneBy({ id, ownerId }) : null;
      if (!match) throw new NotFoundError('no match with this id');
      if (match.state === state) return [];
      if (match.state === MatchState.REJECTED || match.state === MatchState.CONFIRMED) {
        throw new InvalidInputError('id', `this match was already ${match.state.toLowerCase()}`);
      }
      await manager.update(Match, { id }, { state });
      const alsoChanged = (await after?.(manager, match)) ?? [];
      return this.deps.events.appendMany(
        manager,
        RECONCILIATION_TOPIC,
        ownerId,
        [id, ...alsoChanged].map((matchId): ReconciliationEventPayload => ({ matchId, state })),
      );
    });
    await this.deps.events.publish(events);
    return (await this.findOwned(ownerId, id))!;
  }

  /**
   * A pair withdrawn with a rejected sibling may be proposed again: the new decision takes the withdrawn row's place
   * and keeps its id, so whoever followed that match (the withdrawal's event included) still finds it.
   */
  private async reviveWithdrawn(manager: EntityManager, ownerId: string, rows: Match[]): Promise<void> {
    const { raw } = await manager
      .createQueryBuilder()
      .delete()
      .from(Match)
      .where('owner_id = :ownerId AND withdrawn', { ownerId })
      .andWhere(
        '(transaction_id, invoice_id) IN (SELECT * FROM unnest(:transactionIds::uuid[], :invoiceIds::uuid[]))',
        {
          transactionIds: rows.map((row) => row.transactionId),
          invoiceIds: rows.map((row) => row.invoiceId),
        },
      )
      .returning('id, transaction_id, invoice_id')
      .execute();
    const ids = new Map(
      (raw as Array<{ id: string; transaction_id: string; invoice_id: string }>).map((row) => [
        `${row.transaction_id}|${row.invoice_id}`,
        row.id,
      ]),
    );
    for (const row of rows) row.id = ids.get(`${row.transactionId}|${row.invoiceId}`) ?? row.id;
  }

  /** Recomputes an invoice's amounts from the matches still standing on it. */
  private async restoreInvoice(manager: EntityManager, invoiceId: string): Promise<void> {
    const invoice = await manager.getRepository(Invoice).findOneByOrFail({ id: invoiceId });
    const [sums] = (await manager.query(
      `SELECT coalesce(sum(amount), 0)::text AS paid, coalesce(sum(written_off), 0)::text AS written_off
         FROM "match" WHERE invoice_id = $1 AND state <> $2`,
      [invoiceId, MatchState.REJECTED],
    )) as Array<{ paid: string; written_off: string }>;
    await manager.update(
      Invoice,
      { id: invoiceId },
      {
        amountPaid: sums.paid,
        amountWrittenOff: sums.written_off,
        status: statusOf(invoice.amount, sums.paid, sums.written_off, false),
      },
    );
  }

  /** Rejected pairs are never proposed again; a confirmed payer raises the score of its customer's invoices. */
  private async memoryOf(manager: EntityManager, ownerId: string): Promise<MatchMemory> {
    const rows = (await manager.query(
      `SELECT m.transaction_id, m.invoice_id, m.state, t.counterparty_name, t.counterparty_iban, i.customer_name
         FROM "match" m
         JOIN "transaction" t ON t.id = m.transaction_id
         JOIN invoice i ON i.id = m.invoice_id
        WHERE m.owner_id = $1 AND m.state IN ($2, $3) AND NOT m.withdrawn`,
      [ownerId, MatchState.CONFIRMED, MatchState.REJECTED],
    )) as Array<{
      transaction_id: string;
      invoice_id: string;
      state: MatchState;
      counterparty_name: string | null;
      counterparty_iban: string | null;
      customer_name: string;
    }>;
    return {
      rejectedPairs: rows
        .filter((row) => row.state === MatchState.REJECTED)
        .map((row) => ({ transactionId: row.transaction_id, invoiceId: row.invoice_id })),
      knownPayers: rows
        .filter((row) => row.state === MatchState.CONFIRMED && (row.counterparty_iban || row.counterparty_name))
        .map((row) => ({
          payerIban: row.counterparty_iban,
          payerName: row.counterparty_name,
          customerName: row.customer_name,
        })),
    };
  }

  /** Writes the engine's new links as matches and the invoices' new amounts and statuses. */
  private async store(
    manager: EntityManager,
    ownerId: string,
    result: ReconciliationResult,
    invoices: Invoice[],
  ): Promise<Match[]> {
    const writeOffs = new Map(
      result.writeOffs.map((writeOff) => [`${writeOff.transactionId}|${writeOff.invoiceId}`, writeOff.amount]),
    );
    const rows: Match[] = [];
    for (const link of result.links) {
      const linkId = randomUUID();
      for (const allocation of link.allocations) {
        const state = link.decision === 'AUTO_CONFIRMED' ? MatchState.AUTO_CONFIRMED : MatchState.SUGGESTED;
        rows.push(
          manager.getRepository(Match).create({
            id: randomUUID(),
            ownerId,
            linkId,
            transactionId: link.transactionId,
            invoiceId: allocation.invoiceId,
            amount: allocation.amount,
            writtenOff: writeOffs.get(`${link.transactionId}|${allocation.invoiceId}`) ?? '0',
            score: link.score,
            signals: link.signals,
            decision: state,
            state,
          }),
        );
      }
    }
    if (rows.length > 0) await this.reviveWithdrawn(manager, ownerId, rows);
    await bulkInsert(
      manager,
      'match',
      [
        'id',
        'owner_id',
        'link_id',
        'transaction_id',
        'invoice_id',
        'amount',
        'written_off',
        'score',
        'signals',
        'decision',
        'state',
      ],
      rows.map((row) => [
        row.id,
        ownerId,
        row.linkId,
        row.transactionId,
        row.invoiceId,
        row.amount,
        row.writtenOff,
        row.score,
        JSON.stringify(row.signals),
        row.decision,
        row.state,
      ]),
    );

    const byId = new Map(invoices.map((invoice) => [invoice.id, invoice]));
    for (const state of result.invoices) {
      const invoice = byId.get(state.invoiceId)!;
      // The engine saw paid + written off as already settled, and reports this run's write-off apart.
      const amountPaid = new Decimal(state.amountPaid).minus(invoice.amountWrittenOff);
      const amountWrittenOff = new Decimal(invoice.amountWrittenOff).plus(state.writtenOff);
      const status = state.status as InvoiceStatus;
      if (
        status === invoice.status &&
        amountPaid.equals(invoice.amountPaid) &&
        amountWrittenOff.equals(invoice.amountWrittenOff)
      )
        continue;
      await manager.update(
        Invoice,
        { id: invoice.id },
        { amountPaid: amountPaid.toFixed(5), amountWrittenOff: amountWrittenOff.toFixed(5), status },
      );
    }
    return rows;
  }
}

function toOpenInvoice(invoice: Invoice): OpenInvoice {
  return {
    id: invoice.id,
    number: invoice.number,
    customerName: invoice.customerName,
    customerIban: invoice.customerIban,
    amount: invoice.amount,
    currency: invoice.currency,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    structuredReference: invoice.structuredReference,
    amountPaid: new Decimal(invoice.amountPaid).plus(invoice.amountWrittenOff).toFixed(2),
  };
}

function toPayoutReport(report: PayoutReport): EnginePayout {
  return {
    payoutId: report.payoutId,
    arrivalDate: report.arrivalDate,
    amount: new Decimal(report.amount).toFixed(2),
    currency: report.currency,
    items: report.items,
  };
}

function toBankCredit(line: Transaction): BankCredit {
  return {
    id: line.id,
    amount: line.amount,
    currency: line.currency,
    status: line.status,
    bookingDate: line.bookingDate ?? line.date,
    counterpartyName: line.counterpartyName,
    counterpartyIban: line.counterpartyIban,
    remittanceUnstructured: line.remittanceInformation,
    remittanceStructured: line.structuredReference,
    endToEndId: line.endToEndId,
  };
}
