import Decimal from 'decimal.js';
import { In, type DataSource } from 'typeorm';
import { InvalidInputError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { Account } from '../accounts/account.entity';
import { Invoice } from '../invoices/invoice.entity';
import { PayoutReport } from '../payouts/payout-report.entity';
import { Match, MatchState } from '../reconciliation/match.entity';
import { Transaction, TransactionStatus } from '../transactions/transaction.entity';
import { buildJournal, type InvoiceRow, type Journal, type SettlementRow } from './bank-journal';
import type { CategoryAccounts } from './chart-of-accounts';
import { isValidSiren } from './siren';
import { fecEntries, fecFileName, toFec } from './fec';
import { toCsv } from './journal-csv';

export enum ExportFormat {
  CSV = 'CSV',
  FEC = 'FEC',
}

export interface ExportRequest {
  format: ExportFormat;
  from?: string | null;
  to?: string | null;
  accountIds?: string[] | null;
  /** Overrides the configured SIREN, for a gateway serving several companies. */
  siren?: string | null;
}

export interface ExportFile {
  format: ExportFormat;
  fileName: string;
  contentType: string;
  entryCount: number;
  /** Entries left out: not in euros, for a FEC. */
  skippedCount: number;
  /** Bank lines booked to the suspense account. */
  suspenseCount: number;
  content: string;
}

export interface AccountingServiceDeps {
  dataSource: DataSource;
  siren?: string;
  categoryAccounts: CategoryAccounts;
  now?: () => Date;
}

/** The engine's signals that name the payout a credit pays out (the detail is the payout id). */
const PAYOUT_SIGNALS = new Set(['PAYOUT_REFERENCE', 'PAYOUT_AMOUNT_DATE']);

/** Reads an owner's books for a period and hands them to the pure journal builder, then to a file writer. */
export class AccountingService {
  constructor(private readonly deps: AccountingServiceDeps) {}

  async export(ownerId: string, request: ExportRequest): Promise<ExportFile> {
    const { from, to } = periodOf(request, this.today());
    const siren = request.siren ?? this.deps.siren;
    if (request.format === ExportFormat.FEC && !siren) {
      throw new InvalidInputError(
        'siren',
        'a FEC is named after the company’s SIREN: pass siren or set ACCOUNTING_SIREN',
      );
    }
    if (siren && !isValidSiren(siren))
      throw new InvalidInputError('siren', 'siren must be 9 digits with a valid check digit');
    const journal = await this.journal(ownerId, from, to, request.accountIds ?? null);
    if (request.format === ExportFormat.FEC) {
      const kept = fecEntries(journal).length;
      return {
        format: request.format,
        fileName: fecFileName(siren!, to),
        contentType: 'text/tab-separated-values; charset=utf-8',
        entryCount: kept,
        skippedCount: journal.entries.length - kept,
        suspenseCount: journal.suspenseCount,
        content: toFec(journal),
      };
    }
    return {
      format: request.format,
      fileName: `journal-${from}-${to}.csv`,
      contentType: 'text/csv; charset=utf-8',
      entryCount: journal.entries.length,
      skippedCount: 0,
      suspenseCount: journal.suspenseCount,
      content: toCsv(journal),
    };
  }

  async journal(ownerId: string, from: string, to: string, accountIds: string[] | null): Promise<Journal> {
    const manager = this.deps.dataSource.manager;
    const accounts = await manager.getRepository(Account).find({ where: { ownerId }, order: { id: 'ASC' } });
    const chosen = accountIds ? accounts.filter((account) => accountIds.includes(account.id)) : accounts;
    if (accountIds?.some((id) => !isUuid(id) || !chosen.some((account) => account.id === id))) {
      throw new InvalidInputError('accountIds', 'accountIds names an account that is not yours');
    }
    const lines =
      chosen.length === 0
        ? []
        : await manager
            .getRepository(Transaction)
            .createQueryBuilder('t')
            .where('t.owner_id = :ownerId AND t.status = :booked AND t.removed_at IS NULL', {
              ownerId,
              booked: TransactionStatus.BOOKED,
            })
            .andWhere('t.account_id IN (:...accountIds) AND t.date BETWEEN :from AND :to', {
              accountIds: chosen.map((account) => account.id),
              from,
              to,
            })
            .getMany();
    const matches =
      lines.length === 0
        ? []
        : await manager.getRepository(Match).find({
            where: {
              ownerId,
              transactionId: In(lines.map((line) => line.id)),
              state: In([MatchState.AUTO_CONFIRMED, MatchState.CONFIRMED]),
            },
            order: { createdAt: 'ASC', id: 'ASC' },
          });
    const settlements = matches.map(toSettlement);
    const invoices = await manager
      .getRepository(Invoice)
      .createQueryBuilder('i')
      .where('i.owner_id = :ownerId', { ownerId })
      .andWhere('(i.issue_date BETWEEN :from AND :to OR i.id IN (:...ids))', {
        from,
        to,
        ids: [...settlements.map((s) => s.invoiceId), '00000000-0000-0000-0000-000000000000'],
      })
      .getMany();
    const payoutIds = [
      ...new Set(settlements.flatMap((settlement) => (settlement.payoutId ? [settlement.payoutId] : []))),
    ];
    const payouts =
      payoutIds.length === 0
        ? []
        : await manager.getRepository(PayoutReport).findBy({ ownerId, payoutId: In(payoutIds) });
    return buildJournal({
      from,
      to,
      accounts: accounts.map((account) => ({ id: account.id, iban: account.iban, name: account.name })),
      lines: lines.map((line) => ({
        id: line.id,
        accountId: line.accountId,
        reference: line.entryReference ?? line.providerTransactionId,
        date: line.bookingDate ?? line.date,
        amount: line.amount,
        currency: line.currency,
        counterpartyName: line.counterpartyName,
        remittance: line.remittanceInformation ?? line.structuredReference,
        // Categories arrive with issue 11 as Transaction.category; until then every line reads as uncategorised.
        category: (line as Transaction & { category?: string | null }).category ?? null,
      })),
      settlements,
      invoices: invoices.map(toInvoiceRow),
      payouts: payouts.map((report) => ({
        payoutId: report.payoutId,
        arrivalDate: report.arrivalDate,
        fees: report.items.reduce((sum, item) => sum.minus(item.fee), new Decimal(0)).toFixed(2),
      })),
      categoryAccounts: this.deps.categoryAccounts,
      validatedOn: this.today(),
    });
  }

  private today(): string {
    return (this.deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  }
}

function periodOf(request: ExportRequest, today: string): { from: string; to: string } {
  const to = request.to ?? today;
  const from = request.from ?? '1970-01-01';
  if (from > to) throw new InvalidInputError('from', 'from must not be after to');
  return { from, to };
}

function toSettlement(match: Match): SettlementRow {
  const payoutSignal = match.signals.find((signal) => PAYOUT_SIGNALS.has(signal.kind) && signal.detail);
  return {
    transactionId: match.transactionId,
    invoiceId: match.invoiceId,
    amount: match.amount,
    writtenOff: match.writtenOff,
    payoutId: payoutSignal?.detail ?? null,
  };
}

function toInvoiceRow(invoice: Invoice): InvoiceRow {
  return {
    id: invoice.id,
    number: invoice.number,
    customerName: invoice.customerName,
    issueDate: invoice.issueDate,
    amount: invoice.amount,
    currency: invoice.currency,
  };
}
