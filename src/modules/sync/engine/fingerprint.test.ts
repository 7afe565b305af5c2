import { counterpartyKey, transactionFingerprint } from './fingerprint';

const IBAN = 'FR7630006000011234567890189';

describe('the fingerprint of a bank line', () => {
  it('is the same however the bank writes the amount, the IBAN and the payee name', () => {
    const spacedIban = 'fr76 3000 6000 0112 3456 7890 189';
    expect(
      transactionFingerprint({ amount: { amount: '-12.50', currency: 'EUR' }, counterparty: { iban: IBAN } }),
    ).toBe(
      transactionFingerprint({ amount: { amount: '-12.5', currency: 'eur' }, counterparty: { iban: spacedIban } }),
    );
    expect(
      transactionFingerprint({ amount: { amount: '-3.50', currency: 'EUR' }, counterparty: { name: 'Café Éole' } }),
    ).toBe(
      transactionFingerprint({ amount: { amount: '-3.5', currency: 'EUR' }, counterparty: { name: 'CAFE-EOLE ' } }),
    );
  });

  it('tells apart amounts, directions, currencies and payees', () => {
    const base = { amount: { amount: '-12.50', currency: 'EUR' }, counterparty: { name: 'Fournil' } };
    const others = [
      { ...base, amount: { amount: '-12.51', currency: 'EUR' } },
      { ...base, amount: { amount: '12.50', currency: 'EUR' } },
      { ...base, amount: { amount: '-12.50', currency: 'CHF' } },
      { ...base, counterparty: { name: 'Fournil 2' } },
      { ...base, counterparty: undefined },
    ];
    const fingerprints = new Set([base, ...others].map(transactionFingerprint));
    expect(fingerprints.size).toBe(others.length + 1);
  });

  it('names its recipe, so a column written by an older one is recognisable', () => {
    expect(transactionFingerprint({ amount: { amount: '1', currency: 'EUR' } })).toMatch(/^v1-[0-9a-f]{32}$/);
  });

  it('identifies the payee by IBAN before its name, which banks truncate and reword', () => {
    const asSent = counterpartyKey({ name: 'SCI RIVOLI GESTION IMMOB', iban: IBAN });
    expect(asSent).toBe(counterpartyKey({ name: 'SCI Rivoli', iban: IBAN }));
    expect(counterpartyKey({ name: '  ' })).toBe('none');
  });
});
