import { SANDBOX_BANKS } from '../../sandbox/banks';
import { Ledger } from '../../sandbox/ledger';
import { SANDBOX_PSUS, type SandboxLineKind } from '../../sandbox/seed-data';
import { categorise } from './categoriser';
import { TransactionCategory as C, type TransactionCategory } from './category';

/** The category each kind of line the sandbox generates belongs to, in the taxonomy (see category.ts). */
export const EXPECTED_CATEGORY: Record<SandboxLineKind, TransactionCategory> = {
  rent: C.RENT,
  'bank-fee': C.BANK_FEES,
  'own-transfer': C.OWN_TRANSFERS,
  subscription: C.SUPPLIERS,
  telecom: C.UTILITIES,
  insurance: C.SUPPLIERS,
  energy: C.UTILITIES,
  'customer-payment': C.REVENUE,
  'card-payout': C.CARD_PAYOUTS,
  'supplier-payment': C.SUPPLIERS,
  'card-purchase': C.SUPPLIERS,
  salary: C.PAYROLL,
  tax: C.TAXES_AND_SOCIAL_CHARGES,
  'social-charges': C.TAXES_AND_SOCIAL_CHARGES,
  interest: C.OTHER,
};

export interface CategoryAccuracy {
  category: TransactionCategory;
  lines: number;
  correct: number;
  /** What the wrong ones were taken for. */
  confusions: Partial<Record<TransactionCategory, number>>;
}

/**
 * Runs the categoriser, with no taught rule, over every line the sandbox banks generate for every PSU (as a bank
 * feed shows it: the sandbox's own label is not given to it) and compares with the label. Own transfers are known
 * from the PSU's IBANs at every bank, as the gateway knows an owner's accounts.
 */
export function sandboxAccuracy(seed: string, now: Date): CategoryAccuracy[] {
  const ledger = new Ledger(seed, () => now);
  const results = new Map<TransactionCategory, CategoryAccuracy>();
  for (const psu of SANDBOX_PSUS) {
    const accounts = SANDBOX_BANKS.flatMap((bank) => ledger.accountsOf(bank.slug, psu.id));
    const ownIbans = new Set(accounts.map((account) => account.iban));
    for (const account of accounts) {
      for (const { entry } of ledger.entries(account)) {
        if (!entry.kind) continue;
        const expected = EXPECTED_CATEGORY[entry.kind];
        const got = categorise(
          {
            amount: entry.amount.toString(),
            bankTransactionCode: entry.bankTransactionCode,
            merchantCategoryCode: entry.merchantCategoryCode ?? null,
            counterpartyName: entry.counterpartyName ?? null,
            counterpartyIban: entry.counterpartyIban ?? null,
            remittanceInformation: entry.remittanceUnstructured ?? null,
          },
          { ownIbans, rules: new Map() },
        );
        const row = results.get(expected) ?? { category: expected, lines: 0, correct: 0, confusions: {} };
        row.lines += 1;
        if (got === expected) row.correct += 1;
        else row.confusions[got] = (row.confusions[got] ?? 0) + 1;
        results.set(expected, row);
      }
    }
  }
  return [...results.values()].sort((a, b) => a.category.localeCompare(b.category));
}
