import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Account, AccountType } from '../../src/modules/accounts/account.entity';
import { Connection } from '../../src/modules/connections/connection.entity';
import { Principal, PrincipalKind } from '../../src/modules/principals/principal.entity';
import type { ProviderTransaction } from '../../src/providers';

/** Realistic business lines: customer transfers with references, card payments, direct debits, a few pending. */
export function feed(size: number, today: Date): ProviderTransaction[] {
  const lines: ProviderTransaction[] = [];
  for (let i = 0; i < size; i += 1) {
    const day = new Date(today.getTime() - (i % 365) * 86_400_000).toISOString().slice(0, 10);
    const credit = i % 3 === 0;
    const cents = 500 + ((i * 7919) % 250_000);
    lines.push({
      providerTransactionId: `bench-${i}`,
      amount: {
        amount: `${credit ? '' : '-'}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
        currency: 'EUR',
      },
      status: i % 50 === 0 ? 'PENDING' : 'BOOKED',
      date: day,
      bookingDate: day,
      valueDate: day,
      counterparty: {
        name: `Customer ${i % 997}`,
        iban: `FR76300060000112345678${String(i % 1000).padStart(3, '0')}89`,
      },
      remittanceUnstructured: credit ? `Invoice INV-2026-${String(i).padStart(6, '0')}` : `Card payment ${i}`,
      endToEndId: `E2E-${i}`,
      bankTransactionCode: credit ? 'PMNT-RCDT-ESCT' : 'PMNT-ICDT-ESCT',
    });
  }
  return lines;
}

/** A fresh owner, connection and empty account at the institution, for one measured sync. */
export async function benchAccount(dataSource: DataSource, institutionId: string): Promise<Account> {
  const owner = await dataSource
    .getRepository(Principal)
    .save({ kind: PrincipalKind.OWNER, displayName: 'bench owner', redirectUris: [] });
  const connection = await dataSource.getRepository(Connection).save({ ownerId: owner.id, institutionId });
  return dataSource.getRepository(Account).save({
    connectionId: connection.id,
    institutionId,
    ownerId: owner.id,
    providerAccountId: randomUUID(),
    iban: null,
    name: 'bench',
    currency: 'EUR',
    type: AccountType.CURRENT,
  });
}
