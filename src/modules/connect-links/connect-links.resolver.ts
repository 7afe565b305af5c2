import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ApiScope } from '../principals/api-scope';
import type { ConnectLinksService } from './connect-links.service';
import { ConnectLinkPayload } from './connect-links.types';

@Resolver()
export class ConnectLinksResolver {
  constructor(private readonly connectLinks: ConnectLinksService) {}

  @Authorized(ApiScope.MANAGE_CONNECTIONS)
  @Mutation(() => ConnectLinkPayload, {
    description:
      'A single-use URL to the web app’s connect screens for a user without the owner’s API key; the bank sends ' +
      'the user back to redirectUri.',
  })
  createConnectLink(
    @Arg('redirectUri', { description: 'Where the user’s browser returns after the bank; on the caller’s allow-list.' })
    redirectUri: string,
    @Arg('institutionId', () => ID, { nullable: true, description: 'The bank to connect, preselected.' })
    institutionId: string | null,
    @Ctx() { principal }: GatewayContext,
  ): Promise<ConnectLinkPayload> {
    return this.connectLinks.create(principal, redirectUri, institutionId);
  }
}
