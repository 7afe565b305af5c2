import { accountFromBg } from '../berlin-group/transform';
import { accountsFromStet } from '../stet/transform';
import { stetAccounts } from '../stet/types';
import { CASH_ACCOUNT_TYPES, accountTypeOf } from './cash-account-type';

/** ISO 20022 ExternalCashAccountType1Code, every code of the external code list, with the kind a business sees. */
const ISO_CODES: [string, string][] = [
  ['CACC', 'CURRENT'],
  ['CARD', 'CARD'],
  ['CASH', 'CURRENT'],
  ['CHAR', 'CURRENT'],
  ['CISH', 'CURRENT'],
  ['COMM', 'CURRENT'],
  ['CPAC', 'CURRENT'],
  ['LLSV', 'SAVINGS'],
  ['LOAN', 'LOAN'],
  ['MGLD', 'LOAN'],
  ['MOMA', 'SAVINGS'],
  ['NFCA', 'CURRENT'],
  ['NREX', 'CURRENT'],
  ['ODFT', 'LOAN'],
  ['ONDP', 'SAVINGS'],
  ['OTHR', 'OTHER'],
  ['SACC', 'CURRENT'],
  ['SLRY', 'CURRENT'],
  ['SVGS', 'SAVINGS'],
  ['TAXE', 'CURRENT'],
  ['TRAN', 'CURRENT'],
  ['TRAS', 'CURRENT'],
  ['VACC', 'CURRENT'],
];

describe('cash account types', () => {
  it('knows every code of the ISO 20022 list and no other', () => {
    expect(Object.keys(CASH_ACCOUNT_TYPES).sort()).toEqual(ISO_CODES.map(([code]) => code));
  });

  it.each(ISO_CODES)('maps %s to %s from a Berlin Group bank and from a STET bank alike', (code, type) => {
    expect(accountTypeOf(code)).toBe(type);
    expect(
      accountFromBg({ resourceId: 'a', iban: 'DE89370400440532013000', currency: 'EUR', cashAccountType: code }).type,
    ).toBe(type);
    const listed = {
      resourceId: 'a',
      accountId: { iban: 'FR1420041010050500013M02606', currency: 'EUR' },
      name: 'Compte',
      cashAccountType: code,
      _links: {},
    };
    const [stet] = accountsFromStet(stetAccounts.parse({ accounts: [listed], _links: {} }).accounts);
    expect(stet.type).toBe(type);
  });

  it('reads a lower-case code, and calls an unknown or missing one OTHER rather than guessing', () => {
    expect(accountTypeOf('svgs')).toBe('SAVINGS');
    expect(accountTypeOf('LIVRET')).toBe('OTHER');
    expect(accountTypeOf(undefined)).toBe('OTHER');
  });
});
