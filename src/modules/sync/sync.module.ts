import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { AccountSyncState } from './account-sync-state.entity';
import { SyncResolver } from './sync.resolver';

export const syncModule: FeatureModule = {
  name: 'sync',
  entities: [AccountSyncState],
  resolvers: [resolver(SyncResolver, ({ sync }) => new SyncResolver(sync))],
};
