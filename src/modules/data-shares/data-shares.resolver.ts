import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { NotFoundError } from '../../common/errors';
import { ForwardPaginationArgs } from '../../common/relay';
import type { GatewayContext } from '../../server/context';
import { Balance } from '../balances/balance.types';
import type { BalancesService } from '../balances/balances.service';
import { ownerOf } from '../principals/owner-of';
import type { DeliveredEvent } from '../events/events.service';
import { ApiScope } from '../principals/api-scope';
import { TransactionConnection } from '../transactions/transaction.types';
import { lenderLoader, sharedBalancesLoader } from './data-shares.loaders';
import { DATA_SHARE_TOPIC, type DataShareEventPayload, type DataSharesService } from './data-shares.service';
import { CashflowMonthType } from '../cashflow/cashflow.types';
import {
  CreateDataShareInput,
  DataShareAccessEntry,
  DataShareChangedEvent,
  DataShareLender,
  DataShareType,
  SharedAccount,
  SharedHistory,
  sharedAccount,
} from './data-shares.types';
import type { SharedHistoryService } from './shared-history.service';

type Deps = { shares: DataSharesService; history: SharedHistoryService; balances: BalancesService };

@Resolver(() => DataShareType)
export class DataSharesResolver {
  constructor(private readonly deps: Deps) {}

  @Authorized(ApiScope.MANAGE_SHARES)
  @Mutation(() => DataShareType, {
    description: 'Shares a window of history of some (default: all) of your accounts with a lender, for a time.',
  })
  async createDataShare(
    @Arg('input', () => CreateDataShareInput) input: CreateDataShareInput,
    @Ctx() { principal }: GatewayContext,
  ): Promise<DataShareType> {
    return this.view(await this.deps.shares.create(ownerOf(principal), input));
  }

  @Authorized(ApiScope.MANAGE_SHARES)
  @Mutation(() => DataShareType, {
    description: 'Ends a share at once: the lender’s next read, even mid-pagination, is FORBIDDEN.',
  })
  async revokeDataShare(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<DataShareType> {
    return this.view(await this.deps.shares.revoke(ownerOf(principal), id));
  }

  @Authorized(ApiScope.MANAGE_SHARES)
  @Query(() => [DataShareType], {
    description: 'Your shares with lenders, newest first, with every read the lender made.',
  })
  async dataShares(@Ctx() { principal }: GatewayContext): Promise<DataShareType[]> {
    return (await this.deps.shares.ownedBy(ownerOf(principal))).map((share) => this.view(share));
  }

  @Authorized(ApiScope.READ_SHARED)
  @Query(() => [DataShareType], {
    description: 'For a lender: the shares owners made with it, newest first, whatever their status.',
  })
  async sharesWithMe(@Ctx() { principal }: GatewayContext): Promise<DataShareType[]> {
    return (await this.deps.shares.sharedWith(principal.id)).map((share) => this.view(share));
  }

  @Authorized(ApiScope.READ_SHARED)
  @Query(() => SharedHistory, {
    description: 'For a lender: the shared accounts and window. FORBIDDEN once the share is revoked or expired.',
  })
  async sharedHistory(
    @Arg('shareId', () => ID) shareId: string,
    @Ctx() { principal }: GatewayContext,
  ): Promise<SharedHistory> {
    const share = await this.deps.shares.openForLender(principal.id, shareId, 'sharedHistory');
    return Object.assign(new SharedHistory(), { share: this.view(share) });
  }

  @Authorized(ApiScope.READ_SHARED)
  @Subscription(() => DataShareChangedEvent, {
    description:
      'For a lender: shares created for it, revoked, or expired. With `after`, every one since that cursor first.',
    subscribe: ({ args, context }) =>
      (context as GatewayContext).events.subscribe<DataShareEventPayload>(
        DATA_SHARE_TOPIC,
        (context as GatewayContext).principal.id,
        args.after as string | undefined,
      ),
  })
  async dataShareChanged(
    @Root() event: DeliveredEvent<DataShareEventPayload>,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<DataShareChangedEvent> {
    ctx.renewLoaders();
    const share = await this.deps.shares.findForLender(ctx.principal.id, event.payload.shareId);
    if (!share) throw new NotFoundError('no data share with this id');
    return { cursor: event.cursor, change: event.payload.change, share: this.view(share) };
  }

  @FieldResolver(() => DataShareLender)
  lender(@Root() share: DataShareType, @Ctx() context: GatewayContext): Promise<DataShareLender> {
    return lenderLoader(context, this.deps.shares).load(share.source.lenderId);
  }

  @FieldResolver(() => [SharedAccount], {
    description: 'The shared accounts that still exist; empty for the lender once the share ended.',
  })
  async accounts(@Root() share: DataShareType, @Ctx() { principal }: GatewayContext): Promise<SharedAccount[]> {
    if (principal.id === share.source.lenderId) {
      if (share.status !== 'ACTIVE') return [];
      await this.deps.shares.openForLender(principal.id, share.id, 'share.accounts');
    }
    return (await this.deps.shares.accountsOf(share.source)).map(sharedAccount);
  }

  @FieldResolver(() => [DataShareAccessEntry], {
    nullable: true,
    description: 'Every read by the lender, newest first. For the owner only: null for the lender.',
  })
  async accesses(
    @Root() share: DataShareType,
    @Ctx() { principal }: GatewayContext,
  ): Promise<DataShareAccessEntry[] | null> {
    if (principal.actsForOwnerId !== share.source.ownerId) return null;
    return this.deps.shares.accessesOf(share.id);
  }

  private view(share: Parameters<typeof DataShareType.from>[0]): DataShareType {
    return DataShareType.from(share, this.deps.shares.statusOf(share));
  }
}

/** The lender's reads. Each field checks the share again and is logged, so a revocation cuts in between two fields. */
@Resolver(() => SharedHistory)
export class SharedHistoryResolver {
  constructor(private readonly deps: Deps) {}

  @FieldResolver(() => [SharedAccount])
  async accounts(@Root() history: SharedHistory, @Ctx() { principal }: GatewayContext): Promise<SharedAccount[]> {
    const share = await this.deps.shares.openForLender(principal.id, history.share.id, 'sharedHistory.accounts');
    return (await this.deps.shares.accountsOf(share)).map(sharedAccount);
  }

  @FieldResolver(() => TransactionConnection, {
    description: 'The window’s lines of the shared accounts, newest first.',
  })
  async transactions(
    @Root() history: SharedHistory,
    @Args() { first, after }: ForwardPaginationArgs,
    @Ctx() { principal }: GatewayContext,
  ) {
    const share = await this.deps.shares.openForLender(principal.id, history.share.id, 'sharedHistory.transactions');
    return this.deps.shares.transactions(share, first, after);
  }

  @FieldResolver(() => [CashflowMonthType], {
    description: 'Per month and currency: inflow, outflow, net, by category, and end-of-day balances.',
  })
  async cashflow(@Root() history: SharedHistory, @Ctx() context: GatewayContext): Promise<CashflowMonthType[]> {
    const share = await this.deps.shares.openForLender(
      context.principal.id,
      history.share.id,
      'sharedHistory.cashflow',
    );
    const loader = sharedBalancesLoader(context, this.deps.balances);
    return this.deps.history.cashflow(share, (accounts) => loader.loadMany(accounts));
  }

  @FieldResolver(() => String, {
    description:
      'A compact JWS (EdDSA, Ed25519; `kid` names the key at /.well-known/jwks.json) over the share, its accounts and a digest of the window’s lines. See the README for the digest.',
  })
  async signedSnapshot(@Root() history: SharedHistory, @Ctx() { principal }: GatewayContext): Promise<string> {
    const share = await this.deps.shares.openForLender(principal.id, history.share.id, 'sharedHistory.signedSnapshot');
    return this.deps.history.signedSnapshot(share);
  }
}

@Resolver(() => SharedAccount)
export class SharedAccountResolver {
  constructor(private readonly deps: Deps) {}

  // Nullable, as on Account: a bank that fails nulls only this field, with its typed error at this path.
  @FieldResolver(() => [Balance], {
    nullable: true,
    description:
      'Read from the bank within its unattended access budget; null with an error at this path when it cannot answer.',
  })
  async balances(@Root() account: SharedAccount, @Ctx() context: GatewayContext): Promise<Balance[]> {
    const read = await sharedBalancesLoader(context, this.deps.balances).load(account.source);
    return read.balances.map((balance) => Balance.from(balance));
  }
}
