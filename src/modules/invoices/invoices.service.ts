import Decimal from 'decimal.js';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { In, type DataSource } from 'typeorm';
import { InvalidInputError } from '../../common/errors';
import { decodeCursor, toForwardConnection, type Connection } from '../../common/relay';
import { isValidOgm, isValidRf } from '../reconciliation/engine';
import { Invoice, InvoiceStatus } from './invoice.entity';
import { lockInvoicesOf } from './invoice-lock';

/** One invoice as the invoicing tool sends it, unchecked: `upsert` validates every field. */
export interface InvoiceDraft {
  number: string;
  customerName: string;
  customerIban?: string | null;
  amount: string;
  currency: string;
  issueDate: string;
  dueDate: string;
  structuredReference?: string | null;
}

/** One push carries at most this many invoices: a larger backlog is pushed in pages. */
export const MAX_INVOICES_PER_PUSH = 1000;
/** The engine counts in cents: an amount with finer decimals could never be paid to the cent. */
const AMOUNT = /^\d{1,15}(\.\d{1,2})?$/;

export interface InvoicesServiceDeps {
  dataSource: DataSource;
  /** Called after a push that wrote something, so new invoices are matched against the bank feed. */
  onChanged?: (ownerId: string) => Promise<unknown>;
}

export interface InvoiceQuery {
  status?: InvoiceStatus | null;
  first: number;
  after?: string | null;
}

/** The owner's invoices: idempotent pushes by number, and the list with what the bank feed has paid of each. */
export class InvoicesService {
  constructor(private readonly deps: InvoicesServiceDeps) {}

  /**
   * Creates or updates invoices by number. Every item is checked before anything is written, so one bad item fails
   * the push as a whole; an item equal to what is stored is not rewritten. Returns the stored invoices, in input order.
   */
  async upsert(ownerId: string, input: InvoiceDraft[]): Promise<Invoice[]> {
    if (input.length > MAX_INVOICES_PER_PUSH) {
      throw new InvalidInputError('input', `push at most ${MAX_INVOICES_PER_PUSH} invoices at once`);
    }
    const items = input.map((item, index) => normalize(item, `input[${index}]`));
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const earlier = seen.get(item.number);
      if (earlier !== undefined)
        throw new InvalidInputError(`input[${index}].number`, `number ${item.number} is also input[${earlier}]`);
      seen.set(item.number, index);
    });

    const written = await this.deps.dataSource.transaction(async (manager) => {
      await lockInvoicesOf(manager, ownerId);
      const repository = manager.getRepository(Invoice);
      const stored = new Map(
        (await repository.findBy({ ownerId, number: In(items.map((item) => item.number)) })).map((invoice) => [
          invoice.number,
          invoice,
        ]),
      );
      let changed = 0;
      for (const item of items) {
        const existing = stored.get(item.number);
        if (!existing) {
          stored.set(item.number, await repository.save(repository.create({ ...item, ownerId })));
          changed += 1;
        } else if (!sameInvoice(existing, item)) {
          const status = statusOf(
            item.amount,
            existing.amountPaid,
            existing.amountWrittenOff,
            existing.status === InvoiceStatus.OVERPAID,
          );
          stored.set(item.number, await repository.save(repository.merge(existing, { ...item, status })));
          changed += 1;
        }
      }
      return { invoices: items.map((item) => stored.get(item.number)!), changed };
    });
    if (written.changed > 0) await this.deps.onChanged?.(ownerId);
    return written.invoices;
  }

  async list(ownerId: string, query: InvoiceQuery): Promise<Connection<Invoice>> {
    const builder = this.deps.dataSource
      .getRepository(Invoice)
      .createQueryBuilder('i')
      .where('i.owner_id = :ownerId', { ownerId })
      .orderBy('i.issue_date', 'DESC')
      .addOrderBy('i.id', 'DESC');
    if (query.status) builder.andWhere('i.status = :status', { status: query.status });
    if (query.after) {
      const [date, id] = decodeCursor(query.after, ['date', 'uuid']);
      builder.andWhere('(i.issue_date, i.id) < (:date, :id)', { date, id });
    }
    const rows = await builder.take(query.first + 1).getMany();
    return toForwardConnection(rows, query.first, Boolean(query.after), (row) => [row.issueDate, row.id]);
  }
}

type InvoiceFields = Pick<
  Invoice,
  'number' | 'customerName' | 'customerIban' | 'amount' | 'currency' | 'issueDate' | 'dueDate' | 'structuredReference'
>;

function normalize(item: InvoiceDraft, at: string): InvoiceFields {
  const number = item.number.trim();
  if (number.length < 1 || number.length > 64)
    throw new InvalidInputError(`${at}.number`, 'number must be 1 to 64 characters long');
  const customerName = item.customerName.trim();
  if (customerName.length < 1 || customerName.length > 200) {
    throw new InvalidInputError(`${at}.customerName`, 'customerName must be 1 to 200 characters long');
  }
  const customerIban = item.customerIban ? (electronicFormatIBAN(item.customerIban) ?? '') : null;
  if (customerIban !== null && !isValidIBAN(customerIban))
    throw new InvalidInputError(`${at}.customerIban`, 'customerIban is not a valid IBAN');
  if (!AMOUNT.test(item.amount) || new Decimal(item.amount).isZero()) {
    throw new InvalidInputError(
      `${at}.amount`,
      'amount must be a positive decimal with at most 2 decimals, such as 1200.00',
    );
  }
  if (!/^[A-Z]{3}$/.test(item.currency))
    throw new InvalidInputError(`${at}.currency`, 'currency must be an ISO 4217 code such as EUR');
  if (item.dueDate < item.issueDate)
    throw new InvalidInputError(`${at}.dueDate`, 'dueDate must not be before issueDate');
  const structuredReference = item.structuredReference?.trim() || null;
  if (structuredReference && !isValidRf(structuredReference) && !isValidOgm(structuredReference)) {
    throw new InvalidInputError(
      `${at}.structuredReference`,
      'structuredReference must be an ISO 11649 RF or OGM/VCS reference with valid check digits',
    );
  }
  return {
    number,
    customerName,
    customerIban,
    amount: new Decimal(item.amount).toFixed(5),
    currency: item.currency,
    issueDate: item.issueDate,
    dueDate: item.dueDate,
    structuredReference,
  };
}

function sameInvoice(stored: Invoice, item: InvoiceFields): boolean {
  return (Object.keys(item) as Array<keyof InvoiceFields>).every((key) => stored[key] === item[key]);
}

/**
 * An invoice's status from what was allocated to it. OVERPAID stays once reported: the excess was money received,
 * whatever the invoice now asks.
 */
export function statusOf(amount: string, paid: string, writtenOff: string, overpaid: boolean): InvoiceStatus {
  const settled = new Decimal(paid).plus(writtenOff);
  if (overpaid || new Decimal(paid).greaterThan(amount)) return InvoiceStatus.OVERPAID;
  if (settled.greaterThanOrEqualTo(amount)) return InvoiceStatus.PAID;
  return settled.isZero() ? InvoiceStatus.OPEN : InvoiceStatus.PARTIALLY_PAID;
}
