import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Account } from './account.entity';
import { AccountsResolver } from './accounts.resolver';

export const accountsModule: FeatureModule = {
  name: 'accounts',
  entities: [Account],
  resolvers: [resolver(AccountsResolver, ({ accounts }) => new AccountsResolver(accounts))],
};
