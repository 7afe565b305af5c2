import { type DataSource, type SelectQueryBuilder } from 'typeorm';
import { isUuid } from '../../common/ids';
import { InvalidInputError } from '../../common/errors';
import { decodeCursor, toForwardConnection, type Connection } from '../../common/relay';
import { Transaction, TransactionDirection, type TransactionStatus } from './transaction.entity';

export interface TransactionQuery {
  accountIds?: string[] | null;
  from?: string | null;
  to?: string | null;
  minAmount?: string | null;
  maxAmount?: string | null;
  direction?: TransactionDirection | null;
  status?: TransactionStatus | null;
  text?: string | null;
  first: number;
  after?: string | null;
}

/** Reads the store: every bank's lines in one order, newest first, filtered, and only ever the owner's. */
export class TransactionsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(ownerId: string, query: TransactionQuery, fieldPrefix = 'filter.'): Promise<Connection<Transaction>> {
    const builder = this.filtered(ownerId, query, fieldPrefix);
    const rows = await builder.take(query.first + 1).getMany();
    return toForwardConnection(rows, query.first, Boolean(query.after), (row) => [row.date, row.id]);
  }

  /**
   * One page per account, for many accounts in one query whatever their number: the unified query asks for a page
   * of every account at once, and a query per account was most of its round trips. Each account's page is an index
   * scan of its newest lines (`transaction_account_date_id`) that stops after the page, not a ranking of them all.
   */
  async listPerAccount(
    ownerId: string,
    accountIds: string[],
    query: Omit<TransactionQuery, 'accountIds'>,
  ): Promise<Connection<Transaction>[]> {
    const wanted = accountIds.filter(isUuid);
    const page = this.filtered(ownerId, query, '')
      .andWhere('t.account_id = account.id')
      .select('t.id', 'id')
      .limit(query.first + 1);
    const rows = wanted.length
      ? await this.dataSource
          .getRepository(Transaction)
          .createQueryBuilder('line')
          .where(
            `line.id IN (SELECT page.id FROM unnest(CAST(:accountIds AS uuid[])) AS account(id)
               CROSS JOIN LATERAL (${page.getQuery()}) page)`,
          )
          .setParameters({ ...page.getParameters(), accountIds: wanted })
          .orderBy('line.date', 'DESC')
          .addOrderBy('line.id', 'DESC')
          .getMany()
      : [];
    return accountIds.map((accountId) =>
      toForwardConnection(
        rows.filter((row) => row.accountId === accountId),
        query.first,
        Boolean(query.after),
        (row) => [row.date, row.id],
      ),
    );
  }

  private filtered(ownerId: string, query: TransactionQuery, fieldPrefix: string): SelectQueryBuilder<Transaction> {
    const builder = this.dataSource
      .getRepository(Transaction)
      .createQueryBuilder('t')
      .where('t.owner_id = :ownerId AND t.removed_at IS NULL', { ownerId })
      .orderBy('t.date', 'DESC')
      .addOrderBy('t.id', 'DESC');
    if (query.accountIds) {
      // An id that is not a UUID names no account; one of another owner's is filtered out by owner_id above.
      // No placeholder id for an empty list: a constant in the IN list kept PostgreSQL off the (account_id, date, id) index.
      const accountIds = query.accountIds.filter(isUuid);
      builder.andWhere(accountIds.length > 0 ? 't.account_id IN (:...accountIds)' : 'FALSE', { accountIds });
    }
    if (query.from && query.to && query.from > query.to) {
      throw new InvalidInputError(`${fieldPrefix}from`, 'from must not be after to');
    }
    if (query.from) builder.andWhere('t.date >= :from', { from: query.from });
    if (query.to) builder.andWhere('t.date <= :to', { to: query.to });
    if (query.minAmount) builder.andWhere('abs(t.amount) >= :minAmount', { minAmount: query.minAmount });
    if (query.maxAmount) builder.andWhere('abs(t.amount) <= :maxAmount', { maxAmount: query.maxAmount });
    if (query.direction)
      builder.andWhere(query.direction === TransactionDirection.CREDIT ? 't.amount > 0' : 't.amount < 0');
    if (query.status) builder.andWhere('t.status = :status', { status: query.status });
    if (query.text) {
      builder.andWhere(
        '(t.counterparty_name ILIKE :text OR t.remittance_unstructured ILIKE :text OR t.remittance_structured ILIKE :text)',
        { text: `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` },
      );
    }
    if (query.after) {
      const [date, id] = decodeCursor(query.after, ['date', 'uuid']);
      builder.andWhere('(t.date, t.id) < (:date, :id)', { date, id });
    }
    return builder;
  }

  async findOwned(ownerId: string, id: string): Promise<Transaction | null> {
    return isUuid(id) ? this.dataSource.getRepository(Transaction).findOneBy({ id, ownerId }) : null;
  }
}
