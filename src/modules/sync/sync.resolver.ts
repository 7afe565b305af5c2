import { Arg, Authorized, Ctx, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import { SYNC_TOPIC, type SyncProgressPayload, type SyncService } from './sync.service';
import { SyncProgressEvent, SyncRequest } from './sync.types';

@Resolver()
export class SyncResolver {
  constructor(private readonly sync: SyncService) {}

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => SyncRequest, { description: 'Syncs a connection now; follow it on syncProgress.' })
  async refreshConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<SyncRequest> {
    const connection = isUuid(id) ? await ctx.loaders.connectionById.load(id) : null;
    if (!connection) throw new NotFoundError('no connection with this id');
    // Asked for by a user at the screen when the client forwards their address: then it spares the unattended budget.
    return { connectionId: id, jobId: await this.sync.refresh(id, ctx.psu) };
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => SyncProgressEvent, {
    description: 'Progress of syncs, for one connection or all of the owner’s.',
    subscribe: ({ args, context }) => {
      const { principal, events } = context as GatewayContext;
      const connectionId = args.connectionId as string | undefined;
      return events.subscribe<SyncProgressPayload>(
        SYNC_TOPIC,
        ownerOf(principal),
        args.after as string | undefined,
        (payload) => !connectionId || payload.connectionId === connectionId,
      );
    },
  })
  syncProgress(
    @Root() event: { cursor: string; payload: SyncProgressPayload },
    @Arg('connectionId', () => ID, { nullable: true }) _connectionId: string | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): SyncProgressEvent {
    const { error, state, ...counts } = event.payload;
    return {
      cursor: event.cursor,
      ...counts,
      state,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    };
  }
}
