import { In, type DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { Account } from '../accounts/account.entity';
import { Transaction } from '../transactions/transaction.entity';
import { categorise, counterpartyKey, type CategoriserContext } from './categoriser';
import type { TransactionCategory } from './category';
import { CategoryOverride } from './category-override.entity';
import { CategoryRule } from './category-rule.entity';

/**
 * Categories are derived when read, from the line and what its owner taught: a rule learned today applies to every
 * line of that counterparty, past ones included, without rewriting stored lines.
 */
export class CategoriesService {
  constructor(private readonly dataSource: DataSource) {}

  /** What categorising an owner's lines needs: the owner's own IBANs and taught rules. */
  async contextOf(ownerId: string): Promise<CategoriserContext> {
    const [accounts, rules] = await Promise.all([
      this.dataSource.getRepository(Account).find({ where: { ownerId }, select: { iban: true } }),
      this.dataSource.getRepository(CategoryRule).findBy({ ownerId }),
    ]);
    return {
      ownIbans: new Set(accounts.flatMap((account) => (account.iban ? [account.iban.toUpperCase()] : []))),
      rules: new Map(rules.map((rule) => [rule.counterpartyKey, rule.category])),
    };
  }

  /** The categories of lines of one owner, in the order given: a hand-set category first, else the categoriser's. */
  async categoriesOf(
    ownerId: string,
    lines: readonly Transaction[],
    context?: CategoriserContext,
  ): Promise<TransactionCategory[]> {
    const ids = lines.map((line) => line.id);
    const [resolved, overrides] = await Promise.all([
      context ?? this.contextOf(ownerId),
      ids.length ? this.dataSource.getRepository(CategoryOverride).findBy({ ownerId, transactionId: In(ids) }) : [],
    ]);
    const byId = new Map(overrides.map((override) => [override.transactionId, override.category]));
    return lines.map((line) => byId.get(line.id) ?? categorise(line, resolved));
  }

  /**
   * Sets a line's category and teaches it for the line's counterparty, so the owner's other lines from or to it
   * follow. A line of another owner is NOT_FOUND.
   */
  async categorize(ownerId: string, transactionId: string, category: TransactionCategory): Promise<Transaction> {
    const line = isUuid(transactionId)
      ? await this.dataSource.getRepository(Transaction).findOneBy({ id: transactionId, ownerId })
      : null;
    if (!line) throw new NotFoundError('no transaction with this id');
    const key = counterpartyKey(line);
    await this.dataSource.transaction(async (manager) => {
      await manager.upsert(CategoryOverride, { transactionId: line.id, ownerId, category }, ['transactionId']);
      if (key)
        await manager.upsert(CategoryRule, { ownerId, counterpartyKey: key, category }, ['ownerId', 'counterpartyKey']);
    });
    return line;
  }
}
