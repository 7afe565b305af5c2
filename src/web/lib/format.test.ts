import { daysUntil, formatAmount } from './format';

describe('amounts as people read them', () => {
  it('shows the decimal string the gateway sent, grouped, with cents, never through a float', () => {
    expect(formatAmount('1234.56', 'EUR')).toBe('1\u202f234.56 EUR');
    expect(formatAmount('-12.5', 'EUR')).toBe('−12.50 EUR');
    expect(formatAmount('64227.1', 'EUR')).toBe('64\u202f227.10 EUR');
    expect(formatAmount('1234.56000', 'EUR')).toBe('1\u202f234.56 EUR');
    expect(formatAmount('0.10000000000000001', 'EUR')).toBe('0.10000000000000001 EUR');
    expect(formatAmount('1000000', 'EUR')).toBe('1\u202f000\u202f000.00 EUR');
  });

  it('counts whole days left until a consent ends', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    expect(daysUntil('2026-12-09T12:00:00Z', now)).toBe(7);
    expect(daysUntil('2026-12-09T11:59:00Z', now)).toBe(6);
    expect(daysUntil('2026-12-01T12:00:00Z', now)).toBe(-1);
  });
});
