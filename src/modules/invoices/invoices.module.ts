import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Invoice } from './invoice.entity';
import { InvoicesResolver } from './invoices.resolver';

export const invoicesModule: FeatureModule = {
  name: 'invoices',
  entities: [Invoice],
  resolvers: [resolver(InvoicesResolver, ({ invoices }) => new InvoicesResolver(invoices))],
};
