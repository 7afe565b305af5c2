import { Authorized, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ApiScope } from './api-scope';
import { PrincipalKind } from './principal.entity';

@ObjectType({ description: 'The caller: who the API key belongs to and what it may do.' })
export class Viewer {
  @Field(() => ID)
  id: string;

  @Field(() => PrincipalKind)
  kind: PrincipalKind;

  @Field()
  displayName: string;

  @Field(() => [ApiScope])
  scopes: ApiScope[];
}

@Resolver()
export class ViewerResolver {
  @Authorized()
  @Query(() => Viewer)
  viewer(@Ctx() { principal }: GatewayContext): Viewer {
    return { id: principal.id, kind: principal.kind, displayName: principal.displayName, scopes: principal.scopes };
  }
}
