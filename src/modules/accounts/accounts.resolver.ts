import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { AccessBudget, Balance, BalancesFreshness } from '../balances/balance.types';
import { Institution } from '../institutions/institution.entity';
import { ApiScope } from '../principals/api-scope';
import { Account } from './account.entity';
import type { AccountsService } from './accounts.service';

@Resolver(() => Account)
export class AccountsResolver {
  constructor(private readonly accountsService: AccountsService) {}

  @Authorized(ApiScope.READ)
  @Query(() => [Account], { description: 'The owner’s accounts at every connected bank.' })
  accounts(@Ctx() { principal }: GatewayContext): Promise<Account[]> {
    return this.accountsService.list(ownerOf(principal));
  }

  @Authorized(ApiScope.READ)
  @Query(() => Account)
  account(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Account> {
    return this.accountsService.findOwned(ownerOf(principal), id);
  }

  @FieldResolver(() => Institution)
  async institution(@Root() account: Account, @Ctx() { loaders }: GatewayContext): Promise<Institution> {
    const connection = await loaders.connectionById.load(account.connectionId);
    return (await loaders.institutionById.load(connection!.institutionId))!;
  }

  // Nullable on purpose: a bank that fails nulls only this field (with its typed error at this path); a non-null
  // field would carry the null up through Account! and [Account!]! and empty the whole list.
  @FieldResolver(() => [Balance], {
    nullable: true,
    description:
      'Read from the bank through one call per bank for the whole query. Null, with an error at this path (PROVIDER_UNAVAILABLE, CONSENT_EXPIRED, CONSENT_REVOKED, ACCESS_LIMIT_REACHED with retryAt...), when the bank cannot answer; other banks still answer.',
  })
  async balances(@Root() account: Account, @Ctx() { loaders }: GatewayContext): Promise<Balance[]> {
    return (await loaders.balancesByAccount.load(account)).balances.map((balance) => Balance.from(balance));
  }

  @FieldResolver(() => BalancesFreshness, {
    nullable: true,
    description: 'Whether `balances` was read now or served from the cache; null when it failed.',
  })
  async balancesFreshness(
    @Root() account: Account,
    @Ctx() { loaders }: GatewayContext,
  ): Promise<BalancesFreshness | null> {
    // The failure is already reported once, on `balances`.
    const read = await loaders.balancesByAccount.load(account).catch(() => null);
    return read && Object.assign(new BalancesFreshness(), { source: read.source, fetchedAt: read.fetchedAt });
  }

  @FieldResolver(() => AccessBudget, {
    nullable: true,
    description: 'Today’s unattended access budget, after this request’s reads; null without an active consent.',
  })
  async accessBudget(@Root() account: Account, @Ctx() { loaders }: GatewayContext): Promise<AccessBudget | null> {
    const budget = await loaders.accessBudgetByAccount.load(account);
    return budget && Object.assign(new AccessBudget(), budget);
  }
}
