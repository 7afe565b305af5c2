import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { Transaction } from '../transactions/transaction.entity';
import { Payment } from './payment.entity';

/**
 * Per-request loaders of the payments feature. `paymentTransaction` finds the debit line the sync brought for each
 * payment in one query: by the end-to-end id the gateway sent, else by the remittance and the amount on the debtor
 * account from the payment's day on; a booked line wins over its pending one.
 */
export function createPaymentLoaders(dataSource: DataSource, ownerId: string | null) {
  return {
    paymentTransaction: new DataLoader<Payment, Transaction | null, string>(
      async (payments) => {
        if (!ownerId) return payments.map(() => null);
        const { entities, raw } = await dataSource
          .getRepository(Transaction)
          .createQueryBuilder('line')
          .innerJoin(
            Payment,
            'payment',
            `line.account_id = payment.debtor_account_id AND line.amount = -payment.amount AND line.removed_at IS NULL
             AND (line.end_to_end_id = payment.end_to_end_id
               OR (line.remittance_unstructured = payment.remittance_information AND line.date >= (payment.created_at AT TIME ZONE 'UTC')::date - 1))`,
          )
          .addSelect('payment.id', 'payment_id')
          .where('payment.id IN (:...ids) AND payment.owner_id = :ownerId AND line.owner_id = :ownerId', {
            ids: payments.map((p) => p.id),
            ownerId,
          })
          .orderBy('payment.id')
          .addOrderBy('line.end_to_end_id = payment.end_to_end_id', 'DESC', 'NULLS LAST')
          .addOrderBy(`line.status = 'BOOKED'`, 'DESC')
          .addOrderBy('line.date', 'ASC')
          .getRawAndEntities<{ payment_id: string; line_id: string }>();
        const found = new Map<string, Transaction>();
        raw.forEach((row) => {
          const line = entities.find((entity) => entity.id === row.line_id);
          if (line && !found.has(row.payment_id)) found.set(row.payment_id, line);
        });
        return payments.map((payment) => found.get(payment.id) ?? null);
      },
      { cacheKeyFn: (payment) => payment.id },
    ),
  };
}
