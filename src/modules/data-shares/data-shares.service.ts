import { In, IsNull, LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import type { Connection as Page } from '../../common/relay';
import { Account } from '../accounts/account.entity';
import { Consent } from '../connections/consent.entity';
import type { EventsService } from '../events/events.service';
import { Principal, PrincipalKind } from '../principals/principal.entity';
import { Transaction } from '../transactions/transaction.entity';
import type { TransactionsService } from '../transactions/transactions.service';
import { DataShareAccess } from './data-share-access.entity';
import { DataShare } from './data-share.entity';

export const DATA_SHARE_TOPIC = 'data-share';
const DAY_MS = 86_400_000;
export const MAX_HISTORY_DAYS = 730;
export const MAX_VALID_FOR_DAYS = 365;

export enum DataShareStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}

export enum DataShareChange {
  CREATED = 'CREATED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

/** What the lender's subscription carries; the share itself is read afresh for each event. */
export interface DataShareEventPayload {
  shareId: string;
  change: DataShareChange;
}

export interface ShareLender {
  id: string;
  displayName: string;
}

export interface NewDataShare {
  lenderId: string;
  accountIds?: string[] | null;
  historyDays: number;
  validForDays: number;
}

/**
 * The owner's grants to lenders, and the only door through which a lender reads an owner's rows: every lender read
 * starts with `openForLender`, which refuses at once once the share is revoked or past `validUntil` (by this
 * service's clock), and records the read for the owner.
 */
export class DataSharesService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      events: EventsService;
      transactions: TransactionsService;
      now: () => Date;
    },
  ) {}

  statusOf(share: DataShare): DataShareStatus {
    if (share.revokedAt) return DataShareStatus.REVOKED;
    return this.deps.now() >= share.validUntil ? DataShareStatus.EXPIRED : DataShareStatus.ACTIVE;
  }

  async create(ownerId: string, input: NewDataShare): Promise<DataShare> {
    checkRange('input.historyDays', input.historyDays, MAX_HISTORY_DAYS);
    checkRange('input.validForDays', input.validForDays, MAX_VALID_FOR_DAYS);
    const lender = isUuid(input.lenderId)
      ? await this.deps.dataSource.getRepository(Principal).findOneBy({ id: input.lenderId })
      : null;
    if (lender?.kind !== PrincipalKind.LENDER)
      throw new InvalidInputError('input.lenderId', 'lenderId names no lender');
    const accounts = await this.accountsToShare(ownerId, input.accountIds);
    const now = this.deps.now();
    const to = isoDate(now);
    // A share cannot reach further back than the bank let Passerelle read: the shortest consent history among the
    // shared accounts' connections bounds the window.
    const covered = await this.coveredDays(accounts);
    const days = Math.min(input.historyDays, covered);
    const share = Object.assign(new DataShare(), {
      ownerId,
      lenderId: lender.id,
      accountIds: accounts.map((account) => account.id),
      historyDays: input.historyDays,
      historyFrom: isoDate(new Date(Date.parse(to) - days * DAY_MS)),
      historyTo: to,
      validUntil: new Date(now.getTime() + input.validForDays * DAY_MS),
      createdAt: now,
      revokedAt: null,
      expiryAnnouncedAt: null,
    });
    await this.changeAndAnnounce(share, DataShareChange.CREATED, (manager) => manager.save(share));
    return share;
  }

  async revoke(ownerId: string, shareId: string): Promise<DataShare> {
    const share = await this.ownedShare(ownerId, shareId);
    if (this.statusOf(share) !== DataShareStatus.ACTIVE) return share;
    share.revokedAt = this.deps.now();
    await this.changeAndAnnounce(share, DataShareChange.REVOKED, (manager) =>
      manager.update(DataShare, { id: share.id }, { revokedAt: share.revokedAt }),
    );
    return share;
  }

  /** Tells lenders of shares that ran out; run on a schedule. Each expiry is announced once. */
  async announceExpiries(scope: { ownerId?: string } = {}): Promise<number> {
    const due = await this.deps.dataSource.getRepository(DataShare).findBy({
      validUntil: LessThanOrEqual(this.deps.now()),
      revokedAt: IsNull(),
      expiryAnnouncedAt: IsNull(),
      ...(scope.ownerId ? { ownerId: scope.ownerId } : {}),
    });
    for (const share of due) {
      share.expiryAnnouncedAt = this.deps.now();
      await this.changeAndAnnounce(share, DataShareChange.EXPIRED, (manager) =>
        manager.update(
          DataShare,
          { id: share.id, expiryAnnouncedAt: IsNull() },
          { expiryAnnouncedAt: share.expiryAnnouncedAt },
        ),
      );
    }
    return due.length;
  }

  ownedBy(ownerId: string): Promise<DataShare[]> {
    return this.deps.dataSource
      .getRepository(DataShare)
      .find({ where: { ownerId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  sharedWith(lenderId: string): Promise<DataShare[]> {
    return this.deps.dataSource
      .getRepository(DataShare)
      .find({ where: { lenderId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** A share the lender may read now, the read logged; another lender's or an unknown one is NOT_FOUND. */
  async openForLender(lenderId: string, shareId: string, operation: string): Promise<DataShare> {
    const share = isUuid(shareId)
      ? await this.deps.dataSource.getRepository(DataShare).findOneBy({ id: shareId, lenderId })
      : null;
    if (!share) throw new NotFoundError('no data share with this id');
    const status = this.statusOf(share);
    if (status !== DataShareStatus.ACTIVE)
      throw new ForbiddenError(`this data share is ${status.toLowerCase()}: its history can no longer be read`);
    await this.deps.dataSource
      .getRepository(DataShareAccess)
      .insert({ shareId: share.id, ownerId: share.ownerId, at: this.deps.now(), operation });
    return share;
  }

  /** The shared accounts that still exist: an account purged with its connection drops out of the share. */
  accountsOf(share: DataShare): Promise<Account[]> {
    return this.deps.dataSource.getRepository(Account).find({
      where: { id: In(share.accountIds), ownerId: share.ownerId },
      relations: { connection: { institution: true } },
      order: { name: 'ASC', id: 'ASC' },
    });
  }

  /** A page of the window's lines, newest first. */
  transactions(share: DataShare, first: number, after?: string | null): Promise<Page<Transaction>> {
    return this.deps.transactions.list(
      share.ownerId,
      { accountIds: share.accountIds, from: share.historyFrom, to: share.historyTo, first, after },
      '',
    );
  }

  /** Every visible line of the shared accounts dated from the window's start on (later ones too), oldest first. */
  linesSince(share: DataShare): Promise<Transaction[]> {
    return this.deps.dataSource
      .getRepository(Transaction)
      .createQueryBuilder('t')
      .where('t.owner_id = :ownerId AND t.account_id = ANY(:accountIds) AND t.removed_at IS NULL AND t.date >= :from', {
        ownerId: share.ownerId,
        accountIds: share.accountIds,
        from: share.historyFrom,
      })
      .orderBy('t.date', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .getMany();
  }

  accessesOf(shareId: string): Promise<DataShareAccess[]> {
    return this.deps.dataSource
      .getRepository(DataShareAccess)
      .find({ where: { shareId }, order: { at: 'DESC', id: 'ASC' } });
  }

  /** The lenders of shares already read, in the order of the ids. */
  async lenders(ids: readonly string[]): Promise<ShareLender[]> {
    const rows = await this.deps.dataSource
      .getRepository(Principal)
      .findBy({ id: In([...ids]), kind: PrincipalKind.LENDER });
    return ids.map((id) => {
      const lender = rows.find((row) => row.id === id);
      if (!lender) throw new Error(`lender ${id} of a share is gone`);
      return { id: lender.id, displayName: lender.displayName };
    });
  }

  /** For a subscription event: the share if it is still this lender's. */
  findForLender(lenderId: string, shareId: string): Promise<DataShare | null> {
    return this.deps.dataSource.getRepository(DataShare).findOneBy({ id: shareId, lenderId });
  }

  private async ownedShare(ownerId: string, shareId: string): Promise<DataShare> {
    const share = isUuid(shareId)
      ? await this.deps.dataSource.getRepository(DataShare).findOneBy({ id: shareId, ownerId })
      : null;
    if (!share) throw new NotFoundError('no data share with this id');
    return share;
  }

  private async accountsToShare(ownerId: string, accountIds: string[] | null | undefined): Promise<Account[]> {
    const repository = this.deps.dataSource.getRepository(Account);
    if (accountIds === null || accountIds === undefined) {
      const all = await repository.find({ where: { ownerId }, order: { name: 'ASC', id: 'ASC' } });
      if (all.length === 0)
        throw new InvalidInputError('input.accountIds', 'there is no account to share yet: connect a bank first');
      return all;
    }
    const wanted = [...new Set(accountIds)];
    if (wanted.length === 0)
      throw new InvalidInputError('input.accountIds', 'accountIds must name at least one account');
    const found = wanted.every(isUuid) ? await repository.findBy({ id: In(wanted), ownerId }) : [];
    if (found.length !== wanted.length)
      throw new InvalidInputError('input.accountIds', 'accountIds must name only your own accounts');
    return found;
  }

  private async coveredDays(accounts: Account[]): Promise<number> {
    const consents = await this.deps.dataSource
      .getRepository(Consent)
      .findBy({ connectionId: In([...new Set(accounts.map((account) => account.connectionId))]) });
    const perConnection = new Map<string, number>();
    for (const consent of consents) {
      if (!consent.authorisedAt) continue;
      perConnection.set(
        consent.connectionId,
        Math.max(perConnection.get(consent.connectionId) ?? 0, consent.historyDays),
      );
    }
    return Math.min(...accounts.map((account) => perConnection.get(account.connectionId) ?? 0));
  }

  private async changeAndAnnounce(
    share: DataShare,
    change: DataShareChange,
    write: (manager: EntityManager) => Promise<unknown>,
  ): Promise<void> {
    const appended = await this.deps.dataSource.transaction(async (manager) => {
      await write(manager);
      const payload: DataShareEventPayload = { shareId: share.id, change };
      return this.deps.events.append(manager, DATA_SHARE_TOPIC, share.lenderId, payload);
    });
    await this.deps.events.publish([appended]);
  }
}

function checkRange(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new InvalidInputError(field, `${field.split('.').pop()} must be between 1 and ${max}`);
}

function isoDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
