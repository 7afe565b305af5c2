import type { DataSource } from 'typeorm';
import type { CashflowMonth } from '../cashflow/cashflow';
import type { BalancesReader, CashflowService } from '../cashflow/cashflow.service';
import { Principal } from '../principals/principal.entity';
import type { SigningService } from '../signing/signing.service';
import type { DataShare } from './data-share.entity';
import type { DataSharesService } from './data-shares.service';
import { SNAPSHOT_TYPE, snapshotClaims } from './snapshot';

/** What the lender's view of a share needs beyond the list of lines: the cash flow and the signed snapshot. */
export class SharedHistoryService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      shares: DataSharesService;
      cashflow: CashflowService;
      signing: SigningService;
    },
  ) {}

  /** The share's cash flow: its accounts that still exist, over its window. */
  async cashflow(share: DataShare, balancesOf: BalancesReader): Promise<CashflowMonth[]> {
    const accounts = await this.deps.shares.accountsOf(share);
    return this.deps.cashflow.compute(
      share.ownerId,
      accounts,
      { from: share.historyFrom, to: share.historyTo },
      balancesOf,
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
