import { ConfigError, loadConfig } from '../../src/config';

describe('the accounting configuration', () => {
  it('takes the company’s SIREN and a category → account table, with labels given or defaulted to the category', () => {
    const config = loadConfig({
      ACCOUNTING_SIREN: '732829320',
      ACCOUNTING_CATEGORY_ACCOUNTS: '{"rent":"613200","telecom":{"number":"626000","label":"Télécommunications"}}',
    });
    expect(config.accountingSiren).toBe('732829320');
    expect(config.categoryAccounts).toEqual({
      rent: { number: '613200', label: 'rent' },
      telecom: { number: '626000', label: 'Télécommunications' },
    });
  });

  it('works without either: no SIREN and no category mapped', () => {
    expect(loadConfig({})).toMatchObject({ accountingSiren: undefined, categoryAccounts: {} });
  });

  it.each([
    [
      { ACCOUNTING_SIREN: '732829321' },
      'invalid configuration: ACCOUNTING_SIREN must be 9 digits with a valid check digit (got "732829321")',
    ],
    [{ ACCOUNTING_CATEGORY_ACCOUNTS: '{"rent":"rent"}' }, /ACCOUNTING_CATEGORY_ACCOUNTS must be a JSON object/],
    [{ ACCOUNTING_CATEGORY_ACCOUNTS: 'not json' }, /ACCOUNTING_CATEGORY_ACCOUNTS must be a JSON object/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
