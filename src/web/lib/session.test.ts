import { readConnectLink } from './session';

const at = (url: string) => new URL(url) as unknown as Location;

describe('a connect link in the page’s address', () => {
  it('is read from the connect screen’s URL with the journey’s redirectUri and bank', () => {
    expect(
      readConnectLink(
        at('http://gw/app/connect?link=abc&redirect_uri=https%3A%2F%2Fapp.example%2Fdone%3Fa%3D1&institution=bank-1'),
      ),
    ).toEqual({ token: 'abc', redirectUri: 'https://app.example/done?a=1', institutionId: 'bank-1' });
    expect(readConnectLink(at('http://gw/app/connect?link=abc&redirect_uri=https%3A%2F%2Fapp.example'))).toEqual({
      token: 'abc',
      redirectUri: 'https://app.example',
      institutionId: undefined,
    });
  });

  it('is absent on other screens, or when the link or its redirectUri is missing', () => {
    expect(readConnectLink(at('http://gw/app/payments?link=abc&redirect_uri=https%3A%2F%2Fx'))).toBeNull();
    expect(readConnectLink(at('http://gw/app/connect?redirect_uri=https%3A%2F%2Fx'))).toBeNull();
    expect(readConnectLink(at('http://gw/app/connect?link=abc'))).toBeNull();
  });
});
