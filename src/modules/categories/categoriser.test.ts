import { categorise, counterpartyKey, type CategorisableLine } from './categoriser';
import { TransactionCategory } from './category';
import { sandboxAccuracy } from './sandbox-accuracy';

const none = { ownIbans: new Set<string>(), rules: new Map() };
const line = (fields: Partial<CategorisableLine>): CategorisableLine => ({
  amount: '-10.00',
  bankTransactionCode: null,
  merchantCategoryCode: null,
  counterpartyName: null,
  counterpartyIban: null,
  remittanceInformation: null,
  ...fields,
});

describe('the categoriser', () => {
  it('reads the bank transaction code, then the MCC, then who the counterparty is, then the words', () => {
    expect(categorise(line({ bankTransactionCode: 'PMNT-ICDT-RRTN', amount: '120.00' }), none)).toBe(
      TransactionCategory.REFUNDS,
    );
    expect(categorise(line({ bankTransactionCode: 'ACMT-MDOP-CHRG' }), none)).toBe(TransactionCategory.BANK_FEES);
    expect(categorise(line({ bankTransactionCode: 'PMNT-CCRD-POSD', merchantCategoryCode: '6011' }), none)).toBe(
      TransactionCategory.CASH,
    );
    expect(categorise(line({ bankTransactionCode: 'PMNT-CCRD-POSD', merchantCategoryCode: '4900' }), none)).toBe(
      TransactionCategory.UTILITIES,
    );
    expect(
      categorise(line({ bankTransactionCode: 'PMNT-CCRD-POSD', merchantCategoryCode: '5411', amount: '12.00' }), none),
    ).toBe(TransactionCategory.REFUNDS);
    expect(categorise(line({ counterpartyName: 'Stripe Payments Europe Ltd', amount: '950.00' }), none)).toBe(
      TransactionCategory.CARD_PAYOUTS,
    );
    expect(
      categorise(
        line({ counterpartyName: 'URSSAF Ile-de-France', remittanceInformation: 'Cotisations sociales 11/2026' }),
        none,
      ),
    ).toBe(TransactionCategory.TAXES_AND_SOCIAL_CHARGES);
    expect(categorise(line({ remittanceInformation: 'Lohnsteuer November' }), none)).toBe(
      TransactionCategory.TAXES_AND_SOCIAL_CHARGES,
    );
    expect(categorise(line({ remittanceInformation: 'Loyer décembre' }), none)).toBe(TransactionCategory.RENT);
    expect(categorise(line({ counterpartyName: 'Client SARL', amount: '400.00' }), none)).toBe(
      TransactionCategory.REVENUE,
    );
    expect(categorise(line({ counterpartyName: 'Fournisseur SAS' }), none)).toBe(TransactionCategory.SUPPLIERS);
  });

  it('knows a transfer to one of the owner’s IBANs at any bank is an own transfer, whatever its words say', () => {
    const own = { ownIbans: new Set(['FR7630006000011234567890189']), rules: new Map() };
    expect(
      categorise(line({ counterpartyIban: 'FR76 3000 6000 0112 3456 7890 189', remittanceInformation: 'Salary' }), own),
    ).toBe(TransactionCategory.OWN_TRANSFERS);
  });

  it('lets a taught rule for the counterparty win over everything, by IBAN or else by name', () => {
    const byIban = line({ counterpartyIban: 'DE89370400440532013000', counterpartyName: 'Holzwerk Schneider' });
    const byName = line({
      counterpartyName: 'Café  Kranzler ',
      bankTransactionCode: 'PMNT-CCRD-POSD',
      merchantCategoryCode: '5814',
    });
    const rules = new Map([
      [counterpartyKey(byIban)!, TransactionCategory.LOAN_REPAYMENTS],
      [counterpartyKey(line({ counterpartyName: 'CAFE KRANZLER' }))!, TransactionCategory.OTHER],
    ]);
    expect(categorise(byIban, { ownIbans: new Set(), rules })).toBe(TransactionCategory.LOAN_REPAYMENTS);
    expect(categorise(byName, { ownIbans: new Set(), rules })).toBe(TransactionCategory.OTHER);
  });

  it('puts at least 98% of the sandbox banks’ lines in the category the sandbox meant', () => {
    const rows = sandboxAccuracy('categoriser-test', new Date('2026-06-15T12:00:00Z'));
    const total = rows.reduce((sum, row) => sum + row.lines, 0);
    const correct = rows.reduce((sum, row) => sum + row.correct, 0);
    expect(total).toBeGreaterThan(1000);
    expect(rows.map((row) => row.category)).toEqual(
      expect.arrayContaining(
        Object.values(TransactionCategory).filter((c) => !['REFUNDS', 'CASH', 'LOAN_REPAYMENTS'].includes(c)),
      ),
    );
    expect(correct / total).toBeGreaterThanOrEqual(0.98);
  });
});
