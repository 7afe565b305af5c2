/** Maps the normalized adapter shape onto the engine's, so the engine reads what every bank adapter produces. */
import type { ProviderTransaction } from '../../../providers/types';
import type { BankCredit } from './types';

export function fromProviderTransaction(transaction: ProviderTransaction): BankCredit {
  return {
    id: transaction.providerTransactionId,
    amount: transaction.amount.amount,
    currency: transaction.amount.currency,
    status: transaction.status,
    bookingDate: transaction.bookingDate ?? transaction.date,
    counterpartyName: transaction.counterparty?.name ?? null,
    counterpartyIban: transaction.counterparty?.iban ?? null,
    remittanceUnstructured: transaction.remittanceUnstructured ?? null,
    remittanceStructured: transaction.remittanceStructured ?? null,
    endToEndId: transaction.endToEndId ?? null,
  };
}
