import { LocalDateResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType, ForwardPaginationArgs } from '../../common/relay';
import { Match, MatchState } from './match.entity';

@ObjectType({
  description: 'A decision on a match: the engine proposed or confirmed it, or the owner confirmed or rejected it.',
})
export class ReconciliationEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => MatchState, { description: 'The state this decision put the match in.' })
  state: MatchState;

  @Field(() => Match, { description: 'The match as it stands now.' })
  match: Match;
}

export const MatchConnection = ConnectionType(Match, 'Match');

@ArgsType()
export class MatchesArgs extends ForwardPaginationArgs {
  @Field(() => MatchState, { nullable: true })
  state?: MatchState | null;

  @Field(() => MatchState, { nullable: true, deprecationReason: 'Use `state`.' })
  status?: MatchState | null;

  @Field(() => ID, { nullable: true, description: 'Only the matches of this invoice.' })
  invoiceId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only the matches of this bank transaction.' })
  transactionId?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Bank lines booked from this date on (inclusive).' })
  from?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Bank lines booked up to this date (inclusive).' })
  to?: string | null;
}
