import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { AccountingResolver } from './accounting.resolver';

/** The accounting export reads the other features' rows; it owns no table. */
export const accountingModule: FeatureModule = {
  name: 'accounting',
  entities: [],
  resolvers: [resolver(AccountingResolver, ({ accounting }) => new AccountingResolver(accounting))],
};
