import { DecimalLiteral, jsonWithDecimalAmounts, mapStetError } from './client';

describe('STET client', () => {
  it('writes an amount as the JSON number STET 1.5 declares, digit for digit, without a float', () => {
    const json = jsonWithDecimalAmounts({
      instructedAmount: { amount: new DecimalLiteral('1234567890123.10'), currency: 'EUR' },
      note: '12.50',
    });
    expect(json).toBe('{"instructedAmount":{"amount":1234567890123.10,"currency":"EUR"},"note":"12.50"}');
  });

  it('refuses to write something that is not a decimal as an amount', () => {
    expect(() => new DecimalLiteral('1e3')).toThrow(TypeError);
  });

  it.each([
    [401, { status: 401, error: 'invalid_token', message: 'Access revoked by the PSU at the bank' }, 'CONSENT_REVOKED'],
    [401, { status: 401, error: 'invalid_token', message: 'The consent behind this token expired' }, 'CONSENT_EXPIRED'],
    [401, { errorMessage: 'Invalid token in authorization header' }, 'CONSENT_INVALID'],
    [400, { error: 'invalid_grant', error_description: 'access revoked by the PSU' }, 'CONSENT_REVOKED'],
    [400, { error: 'invalid_grant', error_description: 'consent expired' }, 'CONSENT_EXPIRED'],
    [
      403,
      { status: 403, error: 'insufficient_scope', message: 'This resource needs the aisp scope' },
      'CONSENT_INVALID',
    ],
    [404, { status: 404, error: 'NOT_FOUND', message: 'No such account' }, 'NOT_FOUND'],
    [429, { status: 429, error: 'ACCESS_EXCEEDED', message: 'Sandbox fault' }, 'ACCESS_LIMIT_REACHED'],
    [503, '', 'PROVIDER_UNAVAILABLE'],
    [
      400,
      {
        timestamp: '2018-03-30T16:06:27.499+0000',
        status: 400,
        error: 'Bad Request',
        message: "Missing request header 'Digest'",
      },
      'REQUEST_REJECTED',
    ],
  ])('maps an HTTP %i answer %j to %s', (status, body, code) => {
    expect(mapStetError(status, new Headers(), body, 'bank').code).toBe(code);
  });

  it('keeps the time a rate-limited caller may come back', () => {
    const error = mapStetError(429, new Headers({ 'Retry-After': 'Wed, 25 Nov 2026 18:00:00 GMT' }), {}, 'bank');
    expect(error.details.retryAt?.toISOString()).toBe('2026-11-25T18:00:00.000Z');
  });
});
