import { toIsoDate, nextDay } from './dates';
import { canonical } from './money';
import { requestIdForIdempotencyKey } from './request-id';
import { resolveHref, withQuery } from './urls';

describe('adapter helpers', () => {
  it('turns a client idempotency key into the same UUID X-Request-ID every time', () => {
    const id = requestIdForIdempotencyKey('invoice-2026-118');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdForIdempotencyKey('invoice-2026-118')).toBe(id);
    expect(requestIdForIdempotencyKey('invoice-2026-119')).not.toBe(id);
    expect(requestIdForIdempotencyKey('3DC3D5B3-7023-4848-9853-F5400A64E80F')).toBe(
      '3dc3d5b3-7023-4848-9853-f5400a64e80f',
    );
  });

  it('reads the dates banks send and refuses impossible ones', () => {
    expect(toIsoDate('2026-02-28', 'd')).toBe('2026-02-28');
    expect(toIsoDate('2019-04-02T00:00:00.000Z', 'd')).toBe('2019-04-02');
    expect(toIsoDate('15/11/2019', 'd')).toBe('2019-11-15');
    expect(toIsoDate('', 'd')).toBeUndefined();
    expect(() => toIsoDate('2026-02-30', 'd')).toThrow(expect.objectContaining({ code: 'MALFORMED_RESPONSE' }));
    expect(() => toIsoDate('11/15/2019', 'd')).toThrow(expect.objectContaining({ code: 'MALFORMED_RESPONSE' }));
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it('writes amounts canonically without ever going through a float', () => {
    expect(canonical('0.10')).toBe('0.1');
    expect(canonical('-0.00')).toBe('0');
    expect(canonical('12345678901234567890.12345')).toBe('12345678901234567890.12345');
  });

  it('resolves paging links the way each bank writes them', () => {
    expect(resolveHref('https://bank.example/psd2/v2', '/accounts/1/transactions?index=2')).toBe(
      'https://bank.example/psd2/v2/accounts/1/transactions?index=2',
    );
    expect(resolveHref('https://bank.example/api/v1.7', '/api/v1.7/accounts/x')).toBe(
      'https://bank.example/api/v1.7/accounts/x',
    );
    expect(resolveHref('https://bank.example/psd2', 'https://other.example/next')).toBe('https://other.example/next');
  });

  it('adds the state to a redirect URI, keeping the query already there', () => {
    expect(withQuery('https://gw.example/cb?flow=bg', { state: 'a b' })).toBe(
      'https://gw.example/cb?flow=bg&state=a+b',
    );
  });
});
