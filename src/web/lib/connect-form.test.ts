import { durationChoices, READ_ONLY_SCOPES, validateConnectChoice } from './connect-form';

const bank = { maxConsentDays: 180, maxHistoryDays: 730, capabilities: ['AIS', 'PIS'] };

describe('the connect form', () => {
  it('offers 30 and 90 days, as the brief shows, plus the bank maximum', () => {
    expect(durationChoices(bank)).toEqual([30, 90, 180]);
    expect(durationChoices({ ...bank, maxConsentDays: 90 })).toEqual([30, 90]);
    expect(durationChoices({ ...bank, maxConsentDays: 45 })).toEqual([30, 45]);
  });

  it('accepts the read-only default for 90 days of access and history', () => {
    expect(validateConnectChoice({ scopes: READ_ONLY_SCOPES, validForDays: 90, historyDays: 90 }, bank)).toEqual({});
  });

  it('names the field of each mistake', () => {
    expect(validateConnectChoice({ scopes: [], validForDays: 90, historyDays: 90 }, bank)).toEqual({
      scopes: 'Choose at least one kind of data to share.',
    });
    expect(validateConnectChoice({ scopes: ['BALANCES'], validForDays: 90, historyDays: 90 }, bank).scopes).toMatch(
      /accounts/,
    );
    expect(validateConnectChoice({ scopes: READ_ONLY_SCOPES, validForDays: 181, historyDays: 90 }, bank)).toEqual({
      validForDays: 'Choose between 1 and 180 days.',
    });
    expect(validateConnectChoice({ scopes: READ_ONLY_SCOPES, validForDays: 90, historyDays: 0 }, bank)).toEqual({
      historyDays: 'Choose between 1 and 730 days of history.',
    });
  });

  it('refuses payments at a bank that does not offer them', () => {
    const accountsOnly = { ...bank, capabilities: ['AIS'] };
    expect(
      validateConnectChoice(
        { scopes: [...READ_ONLY_SCOPES, 'PAYMENTS'], validForDays: 90, historyDays: 90 },
        accountsOnly,
      ).scopes,
    ).toBe('This bank does not accept payments through Passerelle.');
  });
});
