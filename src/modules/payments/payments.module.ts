import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Payment } from './payment.entity';
import { PaymentsResolver } from './payments.resolver';

export const paymentsModule: FeatureModule = {
  name: 'payments',
  entities: [Payment],
  resolvers: [resolver(PaymentsResolver, ({ payments }) => new PaymentsResolver(payments))],
};
