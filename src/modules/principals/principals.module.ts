import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { ApiKey } from './api-key.entity';
import { Principal } from './principal.entity';
import { ViewerResolver } from './viewer.resolver';

export const principalsModule: FeatureModule = {
  name: 'principals',
  entities: [Principal, ApiKey],
  resolvers: [resolver(ViewerResolver, () => new ViewerResolver())],
};
