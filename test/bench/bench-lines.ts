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
