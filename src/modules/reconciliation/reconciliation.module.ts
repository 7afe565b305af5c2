import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Match } from './match.entity';
import { ReconciliationRequest } from './reconciliation-request.entity';
import { ReconciliationResolver } from './reconciliation.resolver';

export const reconciliationModule: FeatureModule = {
  name: 'reconciliation',
  entities: [Match, ReconciliationRequest],
  resolvers: [resolver(ReconciliationResolver, ({ reconciliation }) => new ReconciliationResolver(reconciliation))],
};
