import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { Account } from './account.entity';

export class AccountsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The owner's accounts at every connected bank, by name. */
  list(ownerId: string): Promise<Account[]> {
    return this.dataSource.getRepository(Account).find({ where: { ownerId }, order: { name: 'ASC', id: 'ASC' } });
  }

  /** The account if the owner holds it; otherwise NOT_FOUND, never a hint that it exists. */
  async findOwned(ownerId: string, id: string): Promise<Account> {
    const account = isUuid(id) ? await this.dataSource.getRepository(Account).findOneBy({ id, ownerId }) : null;
    if (!account) throw new NotFoundError('no account with this id');
    return account;
  }
}
