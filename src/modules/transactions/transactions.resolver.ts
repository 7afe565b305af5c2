import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { NotFoundError } from '../../common/errors';
import type { GatewayContext } from '../../server/context';
import { accountTransactionPages } from './transactions.loaders';
import { Account } from '../accounts/account.entity';
import { ownerOf } from '../connections/connections.service';
import { ApiScope } from '../principals/api-scope';
import { TRANSACTION_TOPIC, type TransactionEventPayload } from '../sync/sync.service';
import { Transaction } from './transaction.entity';
import {
  AccountTransactionsArgs,
  TransactionChangeEvent,
  TransactionChangeKind,
  TransactionConnection,
  TransactionEvent,
  TransactionsArgs,
} from './transaction.types';
import type { TransactionsService } from './transactions.service';

interface Delivered {
  cursor: string;
  payload: TransactionEventPayload;
}

@Resolver(() => Transaction)
export class TransactionsResolver {
  constructor(private readonly transactionsService: TransactionsService) {}

  @Authorized(ApiScope.READ)
  @Query(() => TransactionConnection, { description: 'Every bank’s transactions in one list, newest first.' })
  transactions(@Args() { filter, first, after }: TransactionsArgs, @Ctx() { principal }: GatewayContext) {
    return this.transactionsService.list(ownerOf(principal), { ...filter, first, after });
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => TransactionEvent, {
    description: 'New transactions. With `after`, every one since that cursor first, then live ones: no gap, no duplicate.',
    subscribe: ({ args, context }) => subscribeTransactions(context as GatewayContext, args, [TransactionChangeKind.ADDED]),
  })
  async transactionAdded(
    @Root() event: Delivered,
    @Arg('accountIds', () => [ID], { nullable: true }) _accountIds: string[] | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' }) _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<TransactionEvent> {
    return { cursor: event.cursor, transaction: await this.eventTransaction(ctx, event) };
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => TransactionChangeEvent, {
    description: 'Every change to stored transactions: ADDED, SETTLED (pending booked), MODIFIED, REMOVED.',
    subscribe: ({ args, context }) => subscribeTransactions(context as GatewayContext, args, Object.values(TransactionChangeKind)),
  })
  async transactionChanged(
    @Root() event: Delivered,
    @Arg('accountIds', () => [ID], { nullable: true }) _accountIds: string[] | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' }) _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<TransactionChangeEvent> {
    return {
      cursor: event.cursor,
      kind: event.payload.kind as TransactionChangeKind,
      transaction: await this.eventTransaction(ctx, event),
      supersededProviderTransactionId: event.payload.supersededProviderTransactionId ?? null,
      reason: event.payload.reason ?? null,
    };
  }

  @FieldResolver(() => Account)
  async account(@Root() transaction: Transaction, @Ctx() { loaders }: GatewayContext): Promise<Account> {
    const account = await loaders.accountById.load(transaction.accountId);
    if (!account) throw new NotFoundError('no account with this id');
    return account;
  }

  /** Each event is resolved afresh, with loaders of its own, and only if the line is still the caller's. */
  private async eventTransaction(ctx: GatewayContext, event: Delivered): Promise<Transaction> {
    ctx.renewLoaders();
    const transaction = await this.transactionsService.findOwned(ownerOf(ctx.principal), event.payload.transactionId);
    if (!transaction) throw new NotFoundError('no transaction with this id');
    return transaction;
  }
}

@Resolver(() => Account)
export class AccountTransactionsResolver {
  constructor(private readonly transactionsService: TransactionsService) {}

  @FieldResolver(() => TransactionConnection, { description: 'This account’s transactions, newest first.' })
  transactions(@Root() account: Account, @Args() { first, after, from, to, status }: AccountTransactionsArgs, @Ctx() { loaders }: GatewayContext) {
    return accountTransactionPages(loaders, this.transactionsService).load({ account, args: { first, after, from, to, status } });
  }
}

/**
 * The outbox stream of one owner's transaction changes, narrowed to some kinds and accounts. Ownership is checked
 * per event (the row is read with the owner's id), not once at subscribe time.
 */
function subscribeTransactions(ctx: GatewayContext, args: Record<string, unknown>, kinds: string[]) {
  const ownerId = ownerOf(ctx.principal);
  const accountIds = args.accountIds as string[] | null | undefined;
  return ctx.events.subscribe<TransactionEventPayload>(TRANSACTION_TOPIC, ownerId, args.after as string | undefined, (payload) =>
    kinds.includes(payload.kind) && (!accountIds || accountIds.includes(payload.accountId)),
  );
}
