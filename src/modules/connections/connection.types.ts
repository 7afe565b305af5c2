import { ArrayMaxSize, IsInt, IsUrl, Length } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Consent } from './consent.entity';
import { ConsentScope, READ_ONLY_SCOPES } from './consent-scope';

@InputType({ description: 'Step 1 of the journey: what the owner agrees to, before the bank asks them to confirm.' })
export class StartConnectionInput {
  @Field(() => ID)
  institutionId: string;

  @Field(() => [ConsentScope], {
    defaultValue: [...READ_ONLY_SCOPES],
    description: 'Read-only by default; PAYMENTS must be asked for explicitly and needs an INITIATE_PAYMENTS key.',
  })
  @ArrayMaxSize(4)
  scopes: ConsentScope[];

  @Field(() => Int, { description: 'How long the consent lasts, within the institution’s maxConsentDays.' })
  @IsInt()
  validForDays: number;

  @Field(() => Int, { description: 'How far back transactions are read, within the institution’s maxHistoryDays.' })
  @IsInt()
  historyDays: number;

  @Field({ description: 'Where the user’s browser returns after the bank; must be on the caller’s allow-list.' })
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'redirectUri must be an http(s) URL' },
  )
  @Length(1, 2000)
  redirectUri: string;
}

@ObjectType()
export class StartConnectionPayload {
  @Field(() => Consent)
  consent: Consent;

  @Field({ description: 'Step 2: send the user’s browser here to authenticate at the bank.' })
  authorisationUrl: string;
}

@InputType({
  description: 'For clients that catch the bank’s redirect themselves instead of letting it reach the gateway.',
})
export class CompleteConnectionInput {
  @Field({ description: 'The full URL the bank redirected the browser to, with its query string.' })
  @Length(1, 4000)
  callbackUrl: string;
}

@ObjectType()
export class ConsentStatusEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => Consent)
  consent: Consent;

  @Field({ description: 'True when this event warns that the consent ends within a few days.' })
  expiresSoon: boolean;
}
