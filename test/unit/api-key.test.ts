import { generateApiKey, parseApiKey, secretMatches } from '../../src/modules/principals/api-key';

describe('API keys', () => {
  it('are unique, parse back to their prefix, and match only their own hash', () => {
    const first = generateApiKey();
    const second = generateApiKey();
    expect(first.key).not.toBe(second.key);
    const parsed = parseApiKey(first.key)!;
    expect(parsed.prefix).toBe(first.prefix);
    expect(secretMatches(parsed.secret, first.secretHash)).toBe(true);
    expect(secretMatches(parsed.secret, second.secretHash)).toBe(false);
  });

  it.each(['', 'psk_', 'Bearer psk_0123456789ab_x', `psk_XYZ_${'a'.repeat(43)}`, `psk_0123456789ab_${'a'.repeat(42)}`])(
    'refuses the malformed key %j',
    (key) => {
      expect(parseApiKey(key)).toBeNull();
    },
  );
});
