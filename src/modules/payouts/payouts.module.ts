import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { PayoutReport } from './payout-report.entity';
import { PayoutsResolver } from './payouts.resolver';

export const payoutsModule: FeatureModule = {
  name: 'payouts',
  entities: [PayoutReport],
  resolvers: [resolver(PayoutsResolver, ({ payouts }) => new PayoutsResolver(payouts))],
};
