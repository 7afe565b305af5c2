import type { DataSource } from 'typeorm';
import type { ProviderBalance } from '../../providers';
import type { Account } from '../accounts/account.entity';
import type { AccountBalances } from '../balances/balances.service';
import type { CategoriesService } from '../categories/categories.service';
import { Principal } from '../principals/principal.entity';
import type { SigningService } from '../signing/signing.service';
import { monthlyCashflow, type BalanceAnchor, type CashflowMonth } from './cashflow';
import type { DataShare } from './data-share.entity';
import type { DataSharesService } from './data-shares.service';
import { SNAPSHOT_TYPE, snapshotClaims } from './snapshot';

/** Reads the lender's view of a share needs beyond the list of lines: the cash flow and the signed snapshot. */
export class SharedHistoryService {
  constructor(
    private readonly deps: { dataSource: DataSource; shares: DataSharesService; categories: CategoriesService; signing: SigningService },
  ) {}

  /**
   * `balancesOf` reads the shared accounts' balances (the request's loader). A currency whose accounts did not all
   * answer gets no balance figures rather than wrong ones.
   */
  async cashflow(share: DataShare, balancesOf: (accounts: Account[]) => Promise<Array<AccountBalances | Error>>): Promise<CashflowMonth[]> {
    const [lines, accounts] = await Promise.all([this.deps.shares.linesSince(share), this.deps.shares.accountsOf(share)]);
    const categories = await this.deps.categories.categoriesOf(share.ownerId, lines);
    const read = await balancesOf(accounts);
    const anchors = accounts.map((account, index) => anchorOf(account, read[index]!));
    const failedCurrencies = new Set(accounts.filter((_, index) => !anchors[index]).map((account) => account.currency));
    return monthlyCashflow(
      lines.map((line, index) => ({ ...line, category: categories[index]! })),
      { from: share.historyFrom, to: share.historyTo },
      anchors.filter((anchor): anchor is BalanceAnchor => Boolean(anchor) && !failedCurrencies.has(anchor!.currency)),
    );
  }

  /** A compact JWS over the share, its accounts and a digest of every line of the window. */
  async signedSnapshot(share: DataShare): Promise<string> {
    const [lines, accounts, lender] = await Promise.all([
      this.deps.shares.linesSince(share),
      this.deps.shares.accountsOf(share),
      this.deps.dataSource.getRepository(Principal).findOneByOrFail({ id: share.lenderId }),
    ]);
    const windowLines = lines.filter((line) => line.date <= share.historyTo);
    return this.deps.signing.sign(snapshotClaims(share, lender, accounts, windowLines), SNAPSHOT_TYPE);
  }
}

/**
 * The balance to rebuild each day's from: the closing booked balance of a known day when the bank gives one (exact to
 * the day), else the interim booked balance (every booked line so far). Expected balances include pending lines and
 * are not used.
 */
function anchorOf(account: Account, read: AccountBalances | Error): BalanceAnchor | null {
  if (read instanceof Error) return null;
  const pick = (type: ProviderBalance['type']) => read.balances.find((balance) => balance.type === type && balance.amount.currency === account.currency);
  const closing = pick('closingBooked');
  if (closing?.referenceDate) return { accountId: account.id, currency: account.currency, amount: closing.amount.amount, asOf: closing.referenceDate };
  const interim = pick('interimBooked');
  return interim ? { accountId: account.id, currency: account.currency, amount: interim.amount.amount, asOf: null } : null;
}
