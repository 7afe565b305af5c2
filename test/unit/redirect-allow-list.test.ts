import { isAllowedRedirect } from '../../src/modules/connections/redirect-allow-list';

describe('the redirect allow-list', () => {
  const demo = ['http://localhost*', 'http://127.0.0.1*', 'https://app.example.com/connected'];

  it.each([
    'http://localhost:3000/done',
    'http://localhost/x?y=1',
    'http://localhost',
    'http://127.0.0.1:8080/cb',
    'https://app.example.com/connected',
  ])('allows %s', (uri) => expect(isAllowedRedirect(uri, demo)).toBe(true));

  it.each([
    'http://localhost.attacker.example/',
    'http://127.0.0.1.nip.io/',
    'https://app.example.com/connected/../evil',
    'https://app.example.com/connectedx',
    'http://user:pw@localhost/',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s', (uri) => expect(isAllowedRedirect(uri, demo)).toBe(false));

  it('refuses everything when the list is empty', () => {
    expect(isAllowedRedirect('http://localhost/', [])).toBe(false);
  });
});
