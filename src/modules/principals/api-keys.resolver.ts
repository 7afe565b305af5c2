import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ApiKeyInfo, CreateApiKeyArgs, CreateApiKeyPayload } from './api-keys.types';
import type { PrincipalsService } from './principals.service';

/** Owners and lenders manage their own keys, e.g. a read-only key for an accounting tool. */
@Resolver()
export class ApiKeysResolver {
  constructor(private readonly principals: PrincipalsService) {}

  @Authorized()
  @Query(() => [ApiKeyInfo], {
    description: 'Your API keys, revoked ones included, newest first. Secrets are never shown again.',
  })
  apiKeys(@Ctx() { principal }: GatewayContext): Promise<ApiKeyInfo[]> {
    return this.principals.apiKeysOf(principal);
  }

  @Authorized()
  @Mutation(() => CreateApiKeyPayload, {
    description: 'A new key with at most the scopes of the key calling. Its secret is in this answer only.',
  })
  createApiKey(@Args() input: CreateApiKeyArgs, @Ctx() { principal }: GatewayContext): Promise<CreateApiKeyPayload> {
    return this.principals.createApiKey(principal, input.label, input.scopes);
  }

  @Authorized()
  @Mutation(() => ApiKeyInfo, { description: 'Revokes one of your keys at once (the key calling included).' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { principal }: GatewayContext): Promise<ApiKeyInfo> {
    return this.principals.revokeApiKey(principal, id);
  }
}
