/**
 * The accounts of the plan comptable général (PCG) the bank journal posts to. The numbers are the PCG's classes,
 * padded to six digits as most French accounting software expects; an accountant maps them further at import.
 */
export interface LedgerAccount {
  number: string;
  label: string;
}

export const ACCOUNTS = {
  /** Clients: every invoice's receivable, with the customer as auxiliary account. */
  customers: { number: '411000', label: 'Clients' },
  /** Clients créditeurs: money a customer paid beyond what its invoices ask, kept until refunded or applied. */
  customerOverpayments: { number: '419100', label: 'Clients - avances et trop-perçus' },
  /** Compte d'attente: a bank line nothing identified yet; the accountant clears it by hand. */
  suspense: { number: '471000', label: 'Compte d’attente' },
  /** Services bancaires et assimilés: what a card processor kept from a payout. */
  processorFees: { number: '627000', label: 'Services bancaires et assimilés' },
  /** Charges diverses de gestion courante: an underpayment accepted as settling an invoice (écart de règlement). */
  settlementDifferences: { number: '658000', label: 'Charges diverses de gestion courante' },
  /** Prestations de services: the counterpart of an invoice's receivable in the sales journal (amount incl. VAT). */
  sales: { number: '706000', label: 'Prestations de services' },
} as const satisfies Record<string, LedgerAccount>;

export const JOURNALS = {
  bank: { code: 'BQ', label: 'Banque' },
  sales: { code: 'VT', label: 'Ventes' },
} as const;

/**
 * One PCG 512 sub-account per bank account, in a stable order (by IBAN): 5121, 5122… padded to six digits (512100,
 * 512200…); past nine accounts, 512010, 512011… so that no two numbers collide.
 */
export function bankAccountNumber(position: number): string {
  const rank = position + 1;
  return rank <= 9 ? `512${rank}00` : `512${String(rank).padStart(3, '0')}`;
}

/** A customer's auxiliary account, derived from its name so the same customer always lands on the same account. */
export function customerAccount(name: string): string {
  const letters = name
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase();
  return `C${letters.slice(0, 16) || 'DIVERS'}`;
}

/**
 * Where categorised bank lines go: category name → PCG account. Configured (ACCOUNTING_CATEGORY_ACCOUNTS), because
 * only the owner's accountant knows whether "rent" is 613200 or 613000; a category with no account goes to suspense.
 */
export type CategoryAccounts = Readonly<Record<string, LedgerAccount>>;
