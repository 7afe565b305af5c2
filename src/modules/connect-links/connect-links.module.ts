import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { ConnectLink } from './connect-link.entity';
import { ConnectLinksResolver } from './connect-links.resolver';

export const connectLinksModule: FeatureModule = {
  name: 'connect-links',
  entities: [ConnectLink],
  resolvers: [resolver(ConnectLinksResolver, ({ connectLinks }) => new ConnectLinksResolver(connectLinks))],
};
