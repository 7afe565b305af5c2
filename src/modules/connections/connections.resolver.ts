import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { InvalidInputError, NotFoundError } from '../../common/errors';
import { userPresent, type GatewayContext } from '../../server/context';
import { Account } from '../accounts/account.entity';
import { Institution } from '../institutions/institution.entity';
import { ApiScope } from '../principals/api-scope';
import { ownerOf } from '../principals/owner-of';
import { Connection } from './connection.entity';
import { Consent } from './consent.entity';
import { ConsentStatus } from './consent-scope';
import {
  CompleteConnectionInput,
  ConsentStatusEvent,
  StartConnectionInput,
  StartConnectionPayload,
} from './connection.types';
import { CONSENT_TOPIC, type ConnectionsService, type ConsentEventPayload } from './connections.service';

@Resolver(() => Connection)
export class ConnectionsResolver {
  constructor(private readonly connectionsService: ConnectionsService) {}

  @Authorized(ApiScope.READ)
  @Query(() => [Connection], {
    name: 'connections',
    description: 'The owner’s bank connections, oldest first, deleted ones left out.',
  })
  listConnections(
    @Arg('status', () => [ConsentStatus], {
      nullable: true,
      description: 'Only connections whose current consent has one of these statuses.',
    })
    status: ConsentStatus[] | null,
    @Ctx() { principal }: GatewayContext,
  ): Promise<Connection[]> {
    return this.connectionsService.listConnections(principal, status);
  }

  @Authorized(ApiScope.READ)
  @Query(() => Consent)
  consent(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<Consent> {
    return this.connectionsService.ownedConsent(principal, id);
  }

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => StartConnectionPayload, {
    description: 'Steps 1 and 2: record the consent and create it at the bank.',
  })
  startConnection(
    @Arg('input') input: StartConnectionInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<StartConnectionPayload> {
    return this.connectionsService.start(ctx.principal, input, userPresent(ctx));
  }

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => Consent, { description: 'Step 5 for clients that catch the bank’s redirect themselves.' })
  async completeConnection(@Arg('input') input: CompleteConnectionInput, @Ctx() ctx: GatewayContext): Promise<Consent> {
    let query: Record<string, string>;
    try {
      query = Object.fromEntries(new URL(input.callbackUrl).searchParams);
    } catch {
      throw new InvalidInputError('input.callbackUrl', 'callbackUrl must be the full URL the bank redirected to');
    }
    const outcome = await this.connectionsService.complete(query, userPresent(ctx), ctx.principal);
    if (outcome.kind === 'refused') {
      // A state that ties to no consent of the caller's owner, unknown or another owner's, is NOT_FOUND like any other
      // owner's id (issue 4: an authorization error, never a hint that it exists); a used or stateless URL is bad input.
      if (!outcome.consent && query.state) throw new NotFoundError(outcome.reason);
      throw new InvalidInputError('input.callbackUrl', outcome.reason);
    }
    return outcome.consent;
  }

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => Consent, { description: 'Revokes at once: no further bank call is made for this consent.' })
  revokeConsent(
    @Arg('id', () => ID) id: string,
    @Arg('purge', { defaultValue: false, description: 'Also delete the data synced under this connection.' })
    purge: boolean,
    @Ctx() { principal }: GatewayContext,
  ): Promise<Consent> {
    return this.connectionsService.revoke(principal, id, purge);
  }

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => Connection, {
    description: 'Revokes the connection’s live consents (at the bank too), then removes it from `connections`.',
  })
  deleteConnection(
    @Arg('id', () => ID) id: string,
    @Arg('purge', { defaultValue: false, description: 'Also delete its accounts and their transactions.' })
    purge: boolean,
    @Ctx() { principal }: GatewayContext,
  ): Promise<Connection> {
    return this.connectionsService.deleteConnection(principal, id, purge);
  }

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => StartConnectionPayload, {
    description: 'A new SCA for the same connection; the accounts keep their ids.',
  })
  renewConsent(
    @Arg('id', () => ID) id: string,
    @Arg('validForDays', () => Int, { nullable: true }) validForDays: number | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<StartConnectionPayload> {
    return this.connectionsService.renew(ctx.principal, id, validForDays, userPresent(ctx));
  }

  @Authorized(ApiScope.READ)
  @Subscription(() => ConsentStatusEvent, {
    description: 'Consent status changes, and a warning (expiresSoon) days before a consent ends.',
    subscribe: ({ args, context }) => {
      const { principal, events } = context as GatewayContext;
      return events.subscribe<ConsentEventPayload>(CONSENT_TOPIC, ownerOf(principal), args.after as string | undefined);
    },
  })
  async consentStatusChanged(
    @Root() event: { cursor: string; payload: ConsentEventPayload },
    @Arg('after', () => String, { nullable: true, description: 'A cursor from an earlier event, or "0" for all.' })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConsentStatusEvent> {
    ctx.renewLoaders();
    // Authorization per event: the consent must still be this owner's, read now, not when the event was written.
    const consent = await this.connectionsService.ownedConsent(ctx.principal, event.payload.consentId);
    return { cursor: event.cursor, consent, expiresSoon: event.payload.expiresSoon };
  }

  @FieldResolver(() => Institution)
  async institution(@Root() connection: Connection, @Ctx() { loaders }: GatewayContext): Promise<Institution> {
    return (await loaders.institutionById.load(connection.institutionId))!;
  }

  @FieldResolver(() => [Consent], { description: 'Newest first.' })
  consents(@Root() connection: Connection, @Ctx() { loaders }: GatewayContext): Promise<Consent[]> {
    return loaders.consentsByConnectionId.load(connection.id);
  }

  @FieldResolver(() => Consent, { nullable: true, description: 'The newest consent.' })
  async currentConsent(@Root() connection: Connection, @Ctx() { loaders }: GatewayContext): Promise<Consent | null> {
    return (await loaders.consentsByConnectionId.load(connection.id))[0] ?? null;
  }

  @FieldResolver(() => [Account])
  accounts(@Root() connection: Connection, @Ctx() { loaders }: GatewayContext): Promise<Account[]> {
    return loaders.accountsByConnectionId.load(connection.id);
  }
}
