import type { FeatureModule } from '../feature-module';
import { OutboxBatch } from './outbox-batch.entity';

export const eventsModule: FeatureModule = {
  name: 'events',
  entities: [OutboxBatch],
  resolvers: [],
};
