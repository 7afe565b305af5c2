import { In, type DataSource } from 'typeorm';
import { InvalidInputError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import type { ProviderBalance } from '../../providers';
import { Account } from '../accounts/account.entity';
import type { AccountBalances } from '../balances/balances.service';
import type { CategoriesService } from '../categories/categories.service';
import { Transaction } from '../transactions/transaction.entity';
import { monthlyCashflow, type BalanceAnchor, type CashflowMonth } from './cashflow';

export interface CashflowWindow {
  from: string;
  to: string;
}

/** Reads the balances of accounts, in their order: the request's loader, with an Error in the slot of one that failed. */
export type BalancesReader = (accounts: Account[]) => Promise<Array<AccountBalances | Error>>;

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 90;
const MAX_DAYS = 731;

/** The monthly cash flow of some of an owner's accounts, for the owner and for a lender's share alike. */
export class CashflowService {
  constructor(private readonly deps: { dataSource: DataSource; categories: CategoriesService; now: () => Date }) {}

  /** The owner's own view: any of its accounts (default all), any window up to two years (default the last 90 days). */
  async forOwner(
    ownerId: string,
    query: { from?: string | null; to?: string | null; accountIds?: string[] | null },
    balancesOf: BalancesReader,
  ): Promise<CashflowMonth[]> {
    const to = query.to ?? this.deps.now().toISOString().slice(0, 10);
    const from = query.from ?? new Date(Date.parse(to) - DEFAULT_DAYS * DAY_MS).toISOString().slice(0, 10);
    if (from > to) throw new InvalidInputError('from', 'from must not be after to');
    if (Date.parse(to) - Date.parse(from) > MAX_DAYS * DAY_MS)
      throw new InvalidInputError('from', `the window may span at most ${MAX_DAYS} days`);
    const ids = query.accountIds?.filter(isUuid);
    const accounts = await this.deps.dataSource.getRepository(Account).find({
      where: {
        ownerId,
        ...(query.accountIds ? { id: In(ids?.length ? ids : ['00000000-0000-0000-0000-000000000000']) } : {}),
      },
      order: { name: 'ASC', id: 'ASC' },
    });
    return this.compute(ownerId, accounts, { from, to }, balancesOf);
  }

  /**
   * Lines of the accounts from the window's start on (later ones carry today's balance back to each day), their
   * categories, and the balances to rebuild each day's from. A currency whose accounts did not all give a balance
   * gets no balance figures rather than wrong ones.
   */
  async compute(
    ownerId: string,
    accounts: Account[],
    window: CashflowWindow,
    balancesOf: BalancesReader,
  ): Promise<CashflowMonth[]> {
    const lines = accounts.length
      ? await this.deps.dataSource
          .getRepository(Transaction)
          .createQueryBuilder('t')
          .where(
            't.owner_id = :ownerId AND t.account_id IN (:...accountIds) AND t.removed_at IS NULL AND t.date >= :from',
            {
              ownerId,
              accountIds: accounts.map((account) => account.id),
              from: window.from,
            },
          )
          .orderBy('t.date', 'ASC')
          .addOrderBy('t.id', 'ASC')
          .getMany()
      : [];
    const [categories, read] = await Promise.all([
      this.deps.categories.categoriesOf(ownerId, lines),
      balancesOf(accounts),
    ]);
    const anchors = accounts.map((account, index) => anchorOf(account, read[index]!));
    const failedCurrencies = new Set(accounts.filter((_, index) => !anchors[index]).map((account) => account.currency));
    return monthlyCashflow(
      lines.map((line, index) => ({ ...line, category: categories[index]! })),
      window,
      anchors.filter((anchor): anchor is BalanceAnchor => anchor !== null && !failedCurrencies.has(anchor.currency)),
    );
  }
}

/**
 * The balance to rebuild each day's from: the closing booked balance of a known day when the bank gives one (exact to
 * the day), else the interim booked balance (every booked line so far). Expected balances include pending lines and
 * are not used.
 */
function anchorOf(account: Account, read: AccountBalances | Error): BalanceAnchor | null {
  if (read instanceof Error) return null;
  const pick = (type: ProviderBalance['type']) =>
    read.balances.find((balance) => balance.type === type && balance.amount.currency === account.currency);
  const closing = pick('closingBooked');
  if (closing?.referenceDate)
    return {
      accountId: account.id,
      currency: account.currency,
      amount: closing.amount.amount,
      asOf: closing.referenceDate,
    };
  const interim = pick('interimBooked');
  return interim
    ? { accountId: account.id, currency: account.currency, amount: interim.amount.amount, asOf: null }
    : null;
}
