import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { NotFoundError } from '../../common/errors';
import type { GatewayContext } from '../../server/context';
import type { DeliveredEvent } from '../events/events.service';
import { accountTransactionPages } from './transactions.loaders';
import { Account } from '../accounts/account.entity';
import { ownerOf } from '../principals/owner-of';
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

type Delivered = DeliveredEvent<TransactionEventPayload, Transaction>;

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
    description:
      'New transactions. With `after`, every one since that cursor first, then live ones: no gap, no duplicate.',
    subscribe: ({ args, context }) =>
      subscribeTransactions(context as GatewayContext, args, [TransactionChangeKind.ADDED]),
  })
  transactionAdded(
    @Root() event: Delivered,
    @Arg('accountIds', () => [ID], { nullable: true }) _accountIds: string[] | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): TransactionEvent {
    return { cursor: event.cursor, transaction: eventTransaction(ctx, event) };
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => TransactionChangeEvent, {
    description: 'Every change to stored transactions: ADDED, SETTLED (pending booked), MODIFIED, REMOVED.',
    subscribe: ({ args, context }) =>
      subscribeTransactions(context as GatewayContext, args, Object.values(TransactionChangeKind)),
  })
  transactionChanged(
    @Root() event: Delivered,
    @Arg('accountIds', () => [ID], { nullable: true }) _accountIds: string[] | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): TransactionChangeEvent {
    return {
      cursor: event.cursor,
      kind: event.payload.kind as TransactionChangeKind,
      transaction: eventTransaction(ctx, event),
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
}

@Resolver(() => Account)
export class AccountTransactionsResolver {
  constructor(private readonly transactionsService: TransactionsService) {}

  @FieldResolver(() => TransactionConnection, { description: 'This account’s transactions, newest first.' })
  transactions(
    @Root() account: Account,
    @Args() { first, after, from, to, status }: AccountTransactionsArgs,
    @Ctx() { loaders }: GatewayContext,
  ) {
    return accountTransactionPages(loaders, this.transactionsService).load({
      account,
      args: { first, after, from, to, status },
    });
  }
}

/**
 * The line an event names, as read with the event (the stream reads rows only of the event's owner, who is the
 * caller). Each event gets loaders of its own: a cache made at subscribe time would serve stale rows.
 */
function eventTransaction(ctx: GatewayContext, event: Delivered): Transaction {
  ctx.renewLoaders();
  return event.row as Transaction;
}

/**
 * The outbox stream of one owner's transaction changes, narrowed to some kinds and accounts, each event with its line
 * read in the same page query. A line deleted since (a purged connection) has nothing left to show: its events are
 * skipped, never sent as an error without a cursor. A line the bank stopped sending is still there, marked removed,
 * and comes as the REMOVED event on `transactionChanged`.
 */
function subscribeTransactions(ctx: GatewayContext, args: Record<string, unknown>, kinds: string[]) {
  const ownerId = ownerOf(ctx.principal);
  const accountIds = args.accountIds as string[] | null | undefined;
  return ctx.events.subscribe<TransactionEventPayload, Transaction>(
    TRANSACTION_TOPIC,
    ownerId,
    args.after as string | undefined,
    (payload, row) =>
      row !== null && kinds.includes(payload.kind) && (!accountIds || accountIds.includes(payload.accountId)),
    TRANSACTION_ROWS,
  );
}

const TRANSACTION_ROWS = { entity: Transaction, key: 'transactionId' };
