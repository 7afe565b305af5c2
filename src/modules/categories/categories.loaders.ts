import DataLoader from 'dataloader';
import type { GatewayContext } from '../../server/context';
import { requestScoped } from '../../server/request-scoped';
import type { Transaction } from '../transactions/transaction.entity';
import type { CategoriesService } from './categories.service';
import type { TransactionCategory } from './category';

const CATEGORY_LOADER = Symbol('categoryByTransaction');

/** Categories of the lines a request shows, batched per owner: one read of the owner's rules and overrides. */
export function categoryLoader(
  context: GatewayContext,
  service: CategoriesService,
): DataLoader<Transaction, TransactionCategory, string> {
  return requestScoped(
    context,
    CATEGORY_LOADER,
    () =>
      new DataLoader<Transaction, TransactionCategory, string>(
        async (lines) => {
          const results = new Array<TransactionCategory>(lines.length);
          const byOwner = new Map<string, number[]>();
          lines.forEach((line, index) => byOwner.set(line.ownerId, [...(byOwner.get(line.ownerId) ?? []), index]));
          await Promise.all(
            [...byOwner].map(async ([ownerId, indexes]) => {
              const categories = await service.categoriesOf(
                ownerId,
                indexes.map((index) => lines[index]!),
              );
              indexes.forEach((index, position) => (results[index] = categories[position]!));
            }),
          );
          return results;
        },
        { cacheKeyFn: (line) => line.id },
      ),
  );
}
