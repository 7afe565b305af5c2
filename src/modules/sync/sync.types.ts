import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SYNC_STATES, type SyncState } from './sync.service';

/** The GraphQL enum of the states named once in the service. */
const SyncStateEnum = Object.fromEntries(SYNC_STATES.map((state) => [state, state])) as {
  readonly [State in SyncState]: State;
};
registerEnumType(SyncStateEnum, { name: 'SyncState' });

@ObjectType()
export class SyncRequest {
  @Field(() => ID)
  connectionId: string;

  @Field({ description: 'The queued sync job; a sync already queued for this connection absorbs a second request.' })
  jobId: string;
}

@ObjectType({ description: 'How far a connection’s sync has got.' })
export class SyncProgressEvent {
  @Field()
  cursor: string;

  @Field(() => ID)
  connectionId: string;

  @Field(() => SyncStateEnum)
  state: SyncState;

  @Field(() => Int)
  accountsDone: number;

  @Field(() => Int)
  accountsTotal: number;

  @Field(() => Int)
  added: number;

  @Field(() => Int)
  settled: number;

  @Field(() => Int)
  modified: number;

  @Field(() => Int)
  removed: number;

  @Field(() => String, {
    nullable: true,
    description: 'The typed error code when the sync failed (CONSENT_EXPIRED...).',
  })
  errorCode: string | null;

  @Field(() => String, { nullable: true })
  errorMessage: string | null;
}
