import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { Transaction } from './transaction.entity';
import { AccountTransactionsResolver, TransactionsResolver } from './transactions.resolver';

export const transactionsModule: FeatureModule = {
  name: 'transactions',
  entities: [Transaction],
  resolvers: [
    resolver(TransactionsResolver, ({ transactions }) => new TransactionsResolver(transactions)),
    resolver(AccountTransactionsResolver, ({ transactions }) => new AccountTransactionsResolver(transactions)),
  ],
};
