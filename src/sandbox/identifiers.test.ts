import { isValidIBAN } from 'ibantools';
import { creditorReference, isValidCreditorReference, sandboxIban, sepaCreditorId } from './identifiers';

describe('sandbox identifiers', () => {
  it('builds ISO 11649 creditor references with the standard check digits', () => {
    expect(creditorReference('539007547034')).toBe('RF18539007547034');
    expect(isValidCreditorReference('RF18539007547034')).toBe(true);
    expect(isValidCreditorReference('RF19539007547034')).toBe(false);
  });

  it('builds SEPA creditor identifiers with the EPC check digits', () => {
    expect(sepaCreditorId('DE', '09999999999')).toBe('DE98ZZZ09999999999');
  });

  it('builds valid German, French (with RIB key) and Dutch IBANs', () => {
    for (const [country, bank] of [
      ['DE', '10090044'],
      ['FR', '30077'],
      ['NL', 'SBXU'],
    ]) {
      const iban = sandboxIban(country, bank, '0123456789');
      expect(iban.startsWith(country)).toBe(true);
      expect(isValidIBAN(iban)).toBe(true);
    }
  });
});
