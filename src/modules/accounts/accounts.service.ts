import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { EntityRows, queryPrepared } from '../../db/entity-rows';
import { Account } from './account.entity';

export class AccountsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The owner's accounts at every connected bank, by name. */
  async list(ownerId: string): Promise<Account[]> {
    const accounts = EntityRows.of(this.dataSource, Account);
    return accounts.all(
      await queryPrepared(
        this.dataSource,
        `SELECT ${accounts.select('a')} FROM "${accounts.tableName}" a WHERE a.owner_id = $1 ORDER BY a.name, a.id`,
        [ownerId],
      ),
    );
  }

  /** The account if the owner holds it; otherwise NOT_FOUND, never a hint that it exists. */
  async findOwned(ownerId: string, id: string): Promise<Account> {
    const account = isUuid(id) ? await this.dataSource.getRepository(Account).findOneBy({ id, ownerId }) : null;
    if (!account) throw new NotFoundError('no account with this id');
    return account;
  }
}
