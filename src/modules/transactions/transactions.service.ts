import type { DataSource } from 'typeorm';
import { EntityRows, queryPrepared } from '../../db/entity-rows';
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
    const values: unknown[] = [ownerId];
    const conditions = ['t.owner_id = $1', ...this.conditions(query, fieldPrefix, values)];
    if (query.accountIds) {
      // An id that is not a UUID names no account; one of another owner's is filtered out by owner_id above.
      const accountIds = query.accountIds.filter(isUuid);
      values.push(accountIds);
      conditions.push(accountIds.length > 0 ? `t.account_id = ANY($${values.length}::uuid[])` : 'FALSE');
    }
    values.push(query.first + 1);
    const lines = this.lines();
    const raw = await queryPrepared(
      this.dataSource,
      `SELECT ${lines.select('t')} FROM "${lines.tableName}" t
        WHERE ${conditions.join(' AND ')}
        ORDER BY t.date DESC, t.id DESC LIMIT $${values.length}`,
      values,
    );
    const rows = lines.all(raw);
    return toForwardConnection(rows, query.first, Boolean(query.after), (row) => [row.date, row.id]);
  }

  /**
   * One page per account, for many accounts in one query whatever their number: the unified query asks for a page
   * of every account at once, and a query per account was most of its round trips. Each account's page is an index
   * scan of its newest lines (`transaction_account_date_id`) that stops after the page, not a ranking of them all;
   * the owner is checked on the page's lines, as a condition inside the scan led PostgreSQL to a bitmap of all the
   * owner's lines instead.
   */
  async listPerAccount(
    ownerId: string,
    accountIds: string[],
    query: Omit<TransactionQuery, 'accountIds'>,
  ): Promise<Connection<Transaction>[]> {
    const wanted = accountIds.filter(isUuid);
    const values: unknown[] = [ownerId, wanted];
    const conditions = ['t.account_id = account.id', ...this.conditions(query, '', values)];
    values.push(query.first + 1);
    const lines = this.lines();
    const raw = wanted.length
      ? await queryPrepared(
          this.dataSource,
          `SELECT ${lines.select('t')}
             FROM unnest($2::uuid[]) WITH ORDINALITY AS account(id, position)
            CROSS JOIN LATERAL (
              SELECT * FROM "${lines.tableName}" t
               WHERE ${conditions.join(' AND ')}
               ORDER BY t.date DESC, t.id DESC LIMIT $${values.length}
            ) t
            WHERE t.owner_id = $1
            ORDER BY account.position, t.date DESC, t.id DESC`,
          values,
        )
      : null;
    const rows = raw ? lines.all(raw) : [];
    return accountIds.map((accountId) =>
      toForwardConnection(
        rows.filter((row) => row.accountId === accountId),
        query.first,
        Boolean(query.after),
        (row) => [row.date, row.id],
      ),
    );
  }

  private lines(): EntityRows<Transaction> {
    return EntityRows.of(this.dataSource, Transaction);
  }

  /** The filters as SQL conditions on `t`, their values appended to `values` (numbered after what it holds). */
  private conditions(query: Omit<TransactionQuery, 'accountIds'>, fieldPrefix: string, values: unknown[]): string[] {
    const param = (value: unknown) => `$${values.push(value)}`;
    const conditions = ['t.removed_at IS NULL'];
    if (query.from && query.to && query.from > query.to) {
      throw new InvalidInputError(`${fieldPrefix}from`, 'from must not be after to');
    }
    if (query.from) conditions.push(`t.date >= ${param(query.from)}::date`);
    if (query.to) conditions.push(`t.date <= ${param(query.to)}::date`);
    if (query.minAmount) conditions.push(`abs(t.amount) >= ${param(query.minAmount)}::numeric`);
    if (query.maxAmount) conditions.push(`abs(t.amount) <= ${param(query.maxAmount)}::numeric`);
    if (query.direction)
      conditions.push(query.direction === TransactionDirection.CREDIT ? 't.amount > 0' : 't.amount < 0');
    if (query.status) conditions.push(`t.status = ${param(query.status)}`);
    if (query.text) {
      const text = param(`%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      conditions.push(
        `(t.counterparty_name ILIKE ${text} OR t.remittance_unstructured ILIKE ${text} OR t.remittance_structured ILIKE ${text})`,
      );
    }
    if (query.after) {
      const [date, id] = decodeCursor(query.after, ['date', 'uuid']);
      conditions.push(`(t.date, t.id) < (${param(date)}::date, ${param(id)}::uuid)`);
    }
    return conditions;
  }

  async findOwned(ownerId: string, id: string): Promise<Transaction | null> {
    return isUuid(id) ? this.dataSource.getRepository(Transaction).findOneBy({ id, ownerId }) : null;
  }
}
