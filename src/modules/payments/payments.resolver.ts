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
import { userPresent, type GatewayContext } from '../../server/context';
import { Account } from '../accounts/account.entity';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import { Transaction } from '../transactions/transaction.entity';
import { Payment } from './payment.entity';
import {
  InitiatePaymentInput,
  InitiatePaymentPayload,
  PaymentConnection,
  PaymentsArgs,
  PaymentStatusEvent,
} from './payments.types';
import { PAYMENT_TOPIC, type PaymentEventPayload, type PaymentsService } from './payments.service';

@Resolver(() => Payment)
export class PaymentsResolver {
  constructor(private readonly paymentsService: PaymentsService) {}

  @Authorized(ApiScope.READ)
  @Query(() => Payment)
  payment(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Payment> {
    return this.paymentsService.owned(principal, id);
  }

  @Authorized(ApiScope.READ)
  @Query(() => PaymentConnection, { description: 'The owner’s payments, newest first.' })
  payments(@Args() args: PaymentsArgs, @Ctx() { principal }: GatewayContext) {
    return this.paymentsService.list(principal, args);
  }

  @Authorized(ApiScope.INITIATE_PAYMENTS)
  @Mutation(() => InitiatePaymentPayload, {
    description: 'Creates the payment at the debtor account’s bank; the payer then authorises it there.',
  })
  initiatePayment(
    @Arg('input') input: InitiatePaymentInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<InitiatePaymentPayload> {
    // The payer is at the screen to authorise: PSD2 has the bank see their address (Berlin Group PSU-IP-Address).
    return this.paymentsService.initiate(ctx.principal, input, userPresent(ctx));
  }

  @Authorized(ApiScope.INITIATE_PAYMENTS)
  @Mutation(() => Payment, {
    description: 'Cancels a payment the bank has not executed yet, where the bank allows it.',
  })
  cancelPayment(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Payment> {
    return this.paymentsService.cancel(principal, id);
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => PaymentStatusEvent, {
    description:
      'Payment status changes. With `after`, every one since that cursor first, then live ones: no gap, no duplicate.',
    subscribe: ({ args, context }) => {
      const { principal, events } = context as GatewayContext;
      return events.subscribe<PaymentEventPayload>(PAYMENT_TOPIC, ownerOf(principal), args.after as string | undefined);
    },
  })
  async paymentStatusChanged(
    @Root() event: { cursor: string; payload: PaymentEventPayload },
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0".' })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<PaymentStatusEvent> {
    ctx.renewLoaders();
    // Authorization per event: the payment must still be this owner's, read now, not when the event was written.
    return { cursor: event.cursor, payment: await this.paymentsService.owned(ctx.principal, event.payload.paymentId) };
  }

  @FieldResolver(() => Account)
  async debtorAccount(@Root() payment: Payment, @Ctx() { loaders }: GatewayContext): Promise<Account> {
    const account = await loaders.accountById.load(payment.debtorAccountId);
    if (!account) throw new NotFoundError('no account with this id');
    return account;
  }

  @FieldResolver(() => Transaction, {
    nullable: true,
    description: 'The debit line of this payment, once the sync brought it.',
  })
  transaction(@Root() payment: Payment, @Ctx() { loaders }: GatewayContext): Promise<Transaction | null> {
    return loaders.paymentTransaction.load(payment);
  }
}
