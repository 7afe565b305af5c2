import Decimal from 'decimal.js';
import type { DataSource } from 'typeorm';
import { InvalidInputError } from '../../common/errors';
import type { PayoutItem } from '../reconciliation/engine';
import { lockInvoicesOf } from '../invoices/invoice-lock';
import { PayoutReport } from './payout-report.entity';

/** One line of a payout report as the processor sends it, unchecked. */
export interface PayoutItemDraft {
  chargeId: string;
  invoiceNumber?: string | null;
  customerName?: string | null;
  description?: string | null;
  gross: string;
  fee: string;
  net: string;
}

/** A processor's itemised payout as it is sent, unchecked: `import` validates every field. */
export interface PayoutDraft {
  payoutId: string;
  arrivalDate: string;
  amount: string;
  currency: string;
  items: PayoutItemDraft[];
}

export const MAX_PAYOUTS_PER_IMPORT = 200;
const MONEY = /^-?\d{1,15}(\.\d{1,2})?$/;

export interface PayoutsServiceDeps {
  dataSource: DataSource;
  /** Called after an import that wrote something, so the payouts are matched against the bank feed. */
  onChanged?: (ownerId: string) => Promise<unknown>;
}

/** Payout reports, imported idempotently by payout id; every report is checked before any is written. */
export class PayoutsService {
  constructor(private readonly deps: PayoutsServiceDeps) {}

  async import(ownerId: string, input: PayoutDraft[]): Promise<PayoutReport[]> {
    if (input.length > MAX_PAYOUTS_PER_IMPORT)
      throw new InvalidInputError('input', `import at most ${MAX_PAYOUTS_PER_IMPORT} payouts at once`);
    const reports = input.map((payout, index) => normalize(payout, `input[${index}]`));
    const ids = new Set<string>();
    reports.forEach((report, index) => {
      if (ids.has(report.payoutId))
        throw new InvalidInputError(`input[${index}].payoutId`, `payoutId ${report.payoutId} appears twice`);
      ids.add(report.payoutId);
    });
    const stored = await this.deps.dataSource.transaction(async (manager) => {
      // The same lock as invoices: a reconciliation run reads payouts and invoices as one consistent picture.
      await lockInvoicesOf(manager, ownerId);
      await manager
        .createQueryBuilder()
        .insert()
        .into(PayoutReport)
        .values(reports.map((report) => ({ ...report, ownerId, items: report.items as never })))
        .orUpdate(['arrival_date', 'amount', 'currency', 'items'], ['owner_id', 'payout_id'])
        .execute();
      return manager
        .getRepository(PayoutReport)
        .find({ where: reports.map((report) => ({ ownerId, payoutId: report.payoutId })) });
    });
    if (reports.length > 0) await this.deps.onChanged?.(ownerId);
    return reports.map((report) => stored.find((row) => row.payoutId === report.payoutId)!);
  }

  async list(ownerId: string): Promise<PayoutReport[]> {
    return this.deps.dataSource
      .getRepository(PayoutReport)
      .find({ where: { ownerId }, order: { arrivalDate: 'DESC', id: 'ASC' } });
  }
}

function normalize(
  payout: PayoutDraft,
  at: string,
): Pick<PayoutReport, 'payoutId' | 'arrivalDate' | 'amount' | 'currency' | 'items'> {
  const payoutId = payout.payoutId.trim();
  if (payoutId.length < 1 || payoutId.length > 100)
    throw new InvalidInputError(`${at}.payoutId`, 'payoutId must be 1 to 100 characters long');
  if (!/^[A-Z]{3}$/.test(payout.currency))
    throw new InvalidInputError(`${at}.currency`, 'currency must be an ISO 4217 code such as EUR');
  const amount = money(payout.amount, `${at}.amount`);
  if (amount.lessThanOrEqualTo(0))
    throw new InvalidInputError(`${at}.amount`, 'amount must be positive: it is what reached the bank');
  if (payout.items.length === 0) throw new InvalidInputError(`${at}.items`, 'a payout report lists at least one item');
  const items: PayoutItem[] = payout.items.map((item, index) => {
    const where = `${at}.items[${index}]`;
    const gross = money(item.gross, `${where}.gross`);
    const fee = money(item.fee, `${where}.fee`);
    const net = money(item.net, `${where}.net`);
    if (fee.greaterThan(0))
      throw new InvalidInputError(`${where}.fee`, 'fee is what the processor kept: zero or negative');
    if (!gross.plus(fee).equals(net)) throw new InvalidInputError(`${where}.net`, 'net must equal gross + fee');
    return {
      chargeId: item.chargeId,
      invoiceNumber: item.invoiceNumber?.trim() || null,
      customerName: item.customerName?.trim() || null,
      description: item.description ?? null,
      gross: gross.toFixed(2),
      fee: fee.toFixed(2),
      net: net.toFixed(2),
    };
  });
  const total = items.reduce((sum, item) => sum.plus(item.net), new Decimal(0));
  // A report whose lines do not add up to the credit cannot say what the credit settled.
  if (!total.equals(amount))
    throw new InvalidInputError(
      `${at}.amount`,
      `amount ${amount.toFixed(2)} is not the sum of the items' net (${total.toFixed(2)})`,
    );
  return { payoutId, arrivalDate: payout.arrivalDate, amount: amount.toFixed(5), currency: payout.currency, items };
}

function money(text: string, field: string): Decimal {
  if (!MONEY.test(text))
    throw new InvalidInputError(
      field,
      `${field.split('.').pop()} must be a decimal with at most 2 decimals, such as 120.00`,
    );
  return new Decimal(text);
}
