import { z } from 'zod';
import { ProviderError } from '../types';
import { parseRetryAfter, UpstreamClient, type FetchFn, type UpstreamCall } from './upstream';

const schema = z.object({ accounts: z.array(z.object({ resourceId: z.string() })) });

function client(answers: (() => Response | Promise<Response>)[], overrides: { breakerThreshold?: number } = {}) {
  const calls: UpstreamCall[] = [];
  let sent = 0;
  const fetchFn: FetchFn = async () => {
    const answer = answers[Math.min(sent, answers.length - 1)]!;
    sent += 1;
    return answer();
  };
  const upstream = new UpstreamClient({
    institutionId: 'bank-1',
    fetch: fetchFn,
    observer: { onUpstreamCall: (call) => calls.push(call) },
    resilience: {
      maxRetries: 2,
      initialBackoffMs: 1,
      maxBackoffMs: 5,
      breakerThreshold: overrides.breakerThreshold ?? 5,
    },
    mapError: (status) =>
      new ProviderError(status === 401 ? 'CONSENT_EXPIRED' : 'PROVIDER_UNAVAILABLE', `HTTP ${status}`, {
        institutionId: 'bank-1',
        status,
      }),
  });
  const read = () =>
    upstream.send({
      method: 'GET',
      url: 'https://bank.example/v1/accounts',
      headers: {},
      resource: 'accounts',
      retryable: true,
      schema,
    });
  return { upstream, read, calls, sentCount: () => sent };
}

describe('upstream calls to a bank', () => {
  it('refuses a body of an unexpected shape as malformed, naming the field, without retrying', async () => {
    const { read, sentCount } = client([() => Response.json({ accounts: [{ id: 1 }] })]);
    await expect(read()).rejects.toMatchObject({
      code: 'MALFORMED_RESPONSE',
      message: expect.stringContaining('accounts.0.resourceId'),
    });
    expect(sentCount()).toBe(1);
  });

  it('refuses an empty 200 where a body was expected', async () => {
    const { read } = client([() => new Response('', { status: 200 })]);
    await expect(read()).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('reports a network failure as bank-unavailable, with status 0 for the observer', async () => {
    const { read, calls } = client([() => Promise.reject(new TypeError('fetch failed'))]);
    await expect(read()).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { institutionId: 'bank-1' } });
    expect(calls.map((c) => [c.institutionId, c.resource, c.method, c.status, c.attempt])).toEqual([
      ['bank-1', 'accounts', 'GET', 0, 1],
      ['bank-1', 'accounts', 'GET', 0, 2],
      ['bank-1', 'accounts', 'GET', 0, 3],
    ]);
  });

  it('never lets consent errors open the breaker: they say nothing about the bank being down', async () => {
    const { read, upstream } = client([() => new Response('{}', { status: 401 })], { breakerThreshold: 2 });
    for (let i = 0; i < 5; i += 1) await expect(read()).rejects.toMatchObject({ code: 'CONSENT_EXPIRED' });
    expect(upstream.breakerState).toBe('CLOSED');
  });

  it('understands Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(parseRetryAfter('120', now)?.toISOString()).toBe('2026-11-25T10:02:00.000Z');
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:05:00 GMT', now)?.toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
