import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Institution } from './institution.entity';
import { InstitutionsResolver } from './institutions.resolver';

export const institutionsModule: FeatureModule = {
  name: 'institutions',
  entities: [Institution],
  resolvers: [resolver(InstitutionsResolver, ({ institutions }) => new InstitutionsResolver(institutions))],
};
