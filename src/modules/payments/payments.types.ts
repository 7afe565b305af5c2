import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType, ForwardPaginationArgs } from '../../common/relay';
import { Payment, PaymentStatus } from './payment.entity';

export const PaymentConnection = ConnectionType(Payment, 'Payment');

@InputType({ description: 'A SEPA credit transfer to initiate. Checked in full before any bank is called.' })
export class InitiatePaymentInput {
  @Field({
    description: 'Names this request: the same key with the same input answers the same payment (kept at least 24 h).',
  })
  idempotencyKey: string;

  @Field(() => ID, { description: 'One of your accounts; its bank runs the SCA.' })
  debtorAccountId: string;

  @Field({ description: 'The payee, at most 70 SEPA characters.' })
  creditorName: string;

  @Field()
  creditorIban: string;

  @Field({ description: 'Decimal string, greater than 0, at most 2 decimals, e.g. "120.50".' })
  amount: string;

  @Field({ defaultValue: 'EUR' })
  currency: string;

  @Field(() => String, { nullable: true, description: 'At most 140 characters of the SEPA character set.' })
  remittanceInformation?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Where the payer’s browser returns after the bank, with ?paymentId=…&status=…',
  })
  redirectUri?: string | null;
}

@ObjectType()
export class InitiatePaymentPayload {
  @Field(() => Payment)
  payment: Payment;

  @Field({ description: 'Send the payer’s browser here: the bank shows the amount and the payee and runs the SCA.' })
  authorisationUrl: string;
}

@ArgsType()
export class PaymentsArgs extends ForwardPaginationArgs {
  @Field(() => PaymentStatus, { nullable: true })
  status?: PaymentStatus | null;
}

@ObjectType()
export class PaymentStatusEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => Payment)
  payment: Payment;
}
