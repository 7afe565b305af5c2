import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import { Transaction } from '../transactions/transaction.entity';
import { categoryLoader } from './categories.loaders';
import type { CategoriesService } from './categories.service';
import { TransactionCategory } from './category';

@Resolver(() => Transaction)
export class CategoriesResolver {
  constructor(private readonly categories: CategoriesService) {}

  @FieldResolver(() => TransactionCategory, {
    description:
      'What the line is, for a cash-flow statement: set by hand, taught for its counterparty, or derived from the bank code, the MCC, the counterparty and the remittance.',
  })
  category(@Root() transaction: Transaction, @Ctx() context: GatewayContext): Promise<TransactionCategory> {
    // Only lines the caller was allowed to read reach this field, so the line's own owner is the one to read rules of.
    return categoryLoader(context, this.categories).load(transaction);
  }

  @Authorized(ApiScope.MANAGE_INVOICES)
  @Mutation(() => Transaction, {
    description: 'Sets a line’s category, and teaches it for every line with the same counterparty.',
  })
  categorizeTransaction(
    @Arg('id', () => ID) id: string,
    @Arg('category', () => TransactionCategory) category: TransactionCategory,
    @Ctx() { principal }: GatewayContext,
  ): Promise<Transaction> {
    return this.categories.categorize(ownerOf(principal), id, category);
  }
}
