import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../connections/connections.service';
import { Institution } from '../institutions/institution.entity';
import { ApiScope } from '../principals/api-scope';
import { Account } from './account.entity';

@Resolver(() => Account)
export class AccountsResolver {
  constructor(private readonly dataSource: DataSource) {}

  @Authorized(ApiScope.READ)
  @Query(() => [Account], { description: 'The owner’s accounts at every connected bank.' })
  accounts(@Ctx() { principal }: GatewayContext): Promise<Account[]> {
    return this.dataSource.getRepository(Account).find({ where: { ownerId: ownerOf(principal) }, order: { name: 'ASC', id: 'ASC' } });
  }

  @Authorized(ApiScope.READ)
  @Query(() => Account)
  async account(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Account> {
    // Only a well-formed UUID reaches Postgres: anything else would fail the uuid cast there and surface as an internal error.
    const account = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ? await this.dataSource.getRepository(Account).findOneBy({ id, ownerId: ownerOf(principal) })
      : null;
    if (!account) throw new NotFoundError('no account with this id');
    return account;
  }

  @FieldResolver(() => Institution)
  async institution(@Root() account: Account, @Ctx() { loaders }: GatewayContext): Promise<Institution> {
    const connection = await loaders.connectionById.load(account.connectionId);
    return (await loaders.institutionById.load(connection!.institutionId))!;
  }
}
