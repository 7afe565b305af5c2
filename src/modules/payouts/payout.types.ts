import { LocalDateResolver } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';
import type { PayoutDraft, PayoutItemDraft } from './payouts.service';

/** Values are checked by PayoutsService, so an error names the item (`input[0].items[3].net`) and nothing is written. */
@InputType({ description: 'One line of a payout report: a card payment the payout settles.' })
export class PayoutItemInput implements PayoutItemDraft {
  @Field()
  chargeId: string;

  @Field(() => String, { nullable: true })
  invoiceNumber?: string | null;

  @Field(() => String, { nullable: true })
  customerName?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field({ description: 'What the customer paid, e.g. "120.00".' })
  gross: string;

  @Field({ description: 'What the processor kept: zero or negative, e.g. "-1.98".' })
  fee: string;

  @Field({ description: 'gross + fee.' })
  net: string;
}

@InputType({
  description: 'A card processor’s itemised payout, keyed by its payout id: importing it again updates it.',
})
export class PayoutInput implements PayoutDraft {
  @Field()
  payoutId: string;

  @Field(() => LocalDateResolver)
  arrivalDate: string;

  @Field({ description: 'The net amount credited to the bank: the sum of the items’ net.' })
  amount: string;

  @Field()
  currency: string;

  @Field(() => [PayoutItemInput])
  items: PayoutItemInput[];
}
