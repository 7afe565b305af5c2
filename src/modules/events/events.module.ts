import type { FeatureModule } from '../feature-module';
import { OutboxBatch } from './outbox-batch.entity';
import { OutboxHorizon } from './outbox-horizon.entity';

export const eventsModule: FeatureModule = {
  name: 'events',
  entities: [OutboxBatch, OutboxHorizon],
  resolvers: [],
};
