import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Connection } from './connection.entity';
import { ConnectionsResolver } from './connections.resolver';
import { Consent } from './consent.entity';

export const connectionsModule: FeatureModule = {
  name: 'connections',
  entities: [Connection, Consent],
  resolvers: [resolver(ConnectionsResolver, ({ connections }) => new ConnectionsResolver(connections))],
};
