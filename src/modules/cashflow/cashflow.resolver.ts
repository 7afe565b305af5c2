import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import type { CashflowService } from './cashflow.service';
import { CashflowArgs, CashflowMonthType } from './cashflow.types';

@Resolver()
export class CashflowResolver {
  constructor(private readonly service: CashflowService) {}

  @Authorized(ApiScope.READ)
  @Query(() => [CashflowMonthType], {
    description:
      'Your cash flow per month and currency, as a lender sees a share’s: own transfers and money sent back left out, end-of-day balances rebuilt from the banks’.',
  })
  cashflow(
    @Args() { from, to, accountIds }: CashflowArgs,
    @Ctx() { principal, loaders }: GatewayContext,
  ): Promise<CashflowMonthType[]> {
    // The owner's own loader: balances read with the owner present when the request says so.
    return this.service.forOwner(ownerOf(principal), { from, to, accountIds }, (accounts) =>
      Promise.all(accounts.map((account) => loaders.balancesByAccount.load(account).catch((error: Error) => error))),
    );
  }
}
