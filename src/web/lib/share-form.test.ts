import { periodStart, validateShare } from './share-form';

const valid = {
  lenderId: '0b9e4c8e-0000-4000-8000-000000000001',
  accountIds: ['a'],
  historyDays: 90,
  validForDays: 30,
};

describe('the lender share form', () => {
  it('accepts the default share: 90 days of history, readable for 30 days', () => {
    expect(validateShare(valid)).toEqual({});
    expect(validateShare({ ...valid, historyDays: 730, validForDays: 365 })).toEqual({});
    expect(validateShare({ ...valid, historyDays: 1, validForDays: 1 })).toEqual({});
  });

  it('names each field the gateway would refuse', () => {
    expect(validateShare({ lenderId: ' ', accountIds: [], historyDays: 731, validForDays: 0 })).toEqual({
      lenderId: expect.stringMatching(/lender's id/),
      accountIds: 'Choose at least one account to share.',
      historyDays: 'Share between 1 and 730 days of history.',
      validForDays: 'Let the lender read for 1 to 365 days.',
    });
    expect(validateShare({ ...valid, historyDays: 1.5 }).historyDays).toBeDefined();
    expect(validateShare({ ...valid, validForDays: Number.NaN }).validForDays).toBeDefined();
  });

  it('starts the cash flow period the chosen number of days before today, in UTC, as the gateway does by default', () => {
    expect(periodStart(90, new Date('2026-03-31T22:00:00Z'))).toBe('2025-12-31');
    expect(periodStart(365, new Date('2026-01-01T00:30:00Z'))).toBe('2025-01-01');
  });
});
