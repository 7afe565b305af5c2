import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import { PayoutReport } from './payout-report.entity';
import { PayoutInput } from './payout.types';
import type { PayoutsService } from './payouts.service';

@Resolver(() => PayoutReport)
export class PayoutsResolver {
  constructor(private readonly payoutsService: PayoutsService) {}

  @Authorized(ApiScope.MANAGE_INVOICES)
  @Mutation(() => [PayoutReport], { description: 'Imports card-processor payout reports; matching runs after.' })
  importPayouts(
    @Arg('input', () => [PayoutInput]) input: PayoutInput[],
    @Ctx() { principal }: GatewayContext,
  ): Promise<PayoutReport[]> {
    return this.payoutsService.import(ownerOf(principal), input);
  }

  @Authorized(ApiScope.READ)
  @Query(() => [PayoutReport], { description: 'The imported payout reports, newest first.' })
  payouts(@Ctx() { principal }: GatewayContext): Promise<PayoutReport[]> {
    return this.payoutsService.list(ownerOf(principal));
  }
}
