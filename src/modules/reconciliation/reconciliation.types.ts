import { Field, ObjectType } from 'type-graphql';
import { Match, MatchState } from './match.entity';

@ObjectType({ description: 'A decision on a match: the engine proposed or confirmed it, or the owner confirmed or rejected it.' })
export class ReconciliationEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => MatchState, { description: 'The state this decision put the match in.' })
  state: MatchState;

  @Field(() => Match, { description: 'The match as it stands now.' })
  match: Match;
}
