import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { NotFoundError } from '../../common/errors';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import type { DeliveredEvent } from '../events/events.service';
import { ApiScope } from '../principals/api-scope';
import { Match } from './match.entity';
import {
  RECONCILIATION_TOPIC,
  type ReconciliationEventPayload,
  type ReconciliationService,
} from './reconciliation.service';
import { MatchConnection, MatchesArgs, ReconciliationEvent } from './reconciliation.types';

@Resolver(() => Match)
export class ReconciliationResolver {
  constructor(private readonly reconciliationService: ReconciliationService) {}

  @Authorized(ApiScope.READ)
  @Query(() => MatchConnection, {
    description: 'Transactions linked to invoices, by the bank line’s date, oldest first; every filter narrows.',
  })
  matches(
    @Args() { state, status, invoiceId, transactionId, from, to, first, after }: MatchesArgs,
    @Ctx() { principal }: GatewayContext,
  ) {
    return this.reconciliationService.list(ownerOf(principal), {
      state: state ?? status,
      invoiceId,
      transactionId,
      from,
      to,
      first,
      after,
    });
  }

  @Authorized(ApiScope.MANAGE_INVOICES)
  @Mutation(() => Match, {
    description: 'Accepts a match; its payer is remembered as paying for the invoice’s customer.',
  })
  confirmMatch(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Match> {
    return this.reconciliationService.confirm(ownerOf(principal), id);
  }

  @Authorized(ApiScope.MANAGE_INVOICES)
  @Mutation(() => Match, { description: 'Refuses a match: this transaction is never proposed for this invoice again.' })
  rejectMatch(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Match> {
    return this.reconciliationService.reject(ownerOf(principal), id);
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => ReconciliationEvent, {
    description:
      'Decisions on matches. With `after`, every one since that cursor first, then live ones: no gap, no duplicate.',
    subscribe: ({ args, context }) =>
      (context as GatewayContext).events.subscribe<ReconciliationEventPayload>(
        RECONCILIATION_TOPIC,
        ownerOf((context as GatewayContext).principal),
        args.after as string | undefined,
      ),
  })
  async reconciliationUpdated(
    @Root() event: DeliveredEvent<ReconciliationEventPayload>,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ReconciliationEvent> {
    ctx.renewLoaders();
    const match = await this.reconciliationService.findOwned(ownerOf(ctx.principal), event.payload.matchId);
    if (!match) throw new NotFoundError('no match with this id');
    return { cursor: event.cursor, state: event.payload.state, match };
  }
}
