import { formatMoney } from './money';

describe('the API money format', () => {
  it('writes amounts in the currency’s ISO 4217 minor units, with a minus for negatives', () => {
    expect(formatMoney('1234.56000', 'EUR')).toBe('1234.56');
    expect(formatMoney('64227.1', 'EUR')).toBe('64227.10');
    expect(formatMoney('-12.5', 'EUR')).toBe('-12.50');
    expect(formatMoney('1500.00000', 'JPY')).toBe('1500');
    expect(formatMoney('12.3', 'KWD')).toBe('12.300');
  });

  it('keeps digits finer than the minor unit rather than rounding money away, and never writes -0 or an exponent', () => {
    expect(formatMoney('0.12345', 'EUR')).toBe('0.12345');
    expect(formatMoney('-0.00000', 'EUR')).toBe('0.00');
    expect(formatMoney('1e21', 'EUR')).toBe('1000000000000000000000.00');
  });
});
