import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithSpecs, specPath } from '../../../test/support/openapi/specs';
import { accountsFromStet, balanceFromStet, paymentStatusFromStet, transactionsFromStet } from './transform';
import { stetAccounts, stetBalances, stetPaymentRequest, stetTokenResponse, stetTransactions } from './types';

/** The response body of a recorded WireMock stub (real bank answers, shared/specs/fixtures/stet/bespoke-providers). */
function recorded(stub: string): unknown {
  const file = specPath(path.join('fixtures/stet/bespoke-providers', stub));
  return (JSON.parse(readFileSync(file, 'utf8')) as { response: { jsonBody: unknown } }).response.jsonBody;
}

describeWithSpecs('STET transforms over recorded bank answers', () => {
  it('lists BNP Paribas accounts with the currency from the account identification', () => {
    const accounts = accountsFromStet(
      stetAccounts.parse(recorded('bnpparibasgroup/ais/happy-flow/accounts.json')).accounts,
    );
    expect(accounts.map((a) => [a.providerAccountId, a.iban, a.currency, a.type])).toEqual([
      ['1', 'FR5817569000505918431515C55', 'EUR', 'CURRENT'],
      ['2', 'FR3217569000405858477419C03', 'EUR', 'CURRENT'],
      ['3', 'FR9012739000701226646739Y45', 'EUR', 'CURRENT'],
    ]);
  });

  it('gives a Boursorama card account its linked account currency, and an unknown one when there is none', () => {
    const accounts = accountsFromStet(
      stetAccounts.parse(recorded('boursorama/ais/happy-flow/fetch_data/accounts.json')).accounts,
    );
    expect(accounts.map((a) => [a.name, a.currency, a.type])).toEqual([
      ['Compte factice pour la sandbox DSP2', 'XXX', 'CURRENT'],
      ['Visa classique MLE Bli Bla Blo', 'XXX', 'CARD'],
    ]);
    const withCurrency = accountsFromStet([
      {
        ...stetAccounts.parse(recorded('boursorama/ais/happy-flow/fetch_data/accounts.json')).accounts[0]!,
        currency: 'EUR',
      },
      stetAccounts.parse(recorded('boursorama/ais/happy-flow/fetch_data/accounts.json')).accounts[1]!,
    ]);
    expect(withCurrency[1]!.currency).toBe('EUR');
  });

  it('reads a day-first BNP balance date and every STET balance type', () => {
    const bnp = stetBalances.parse(recorded('bnpparibasgroup/ais/happy-flow/account-1-balances.json'));
    expect(bnp.balances.map(balanceFromStet)).toEqual([
      {
        type: 'closingBooked',
        amount: { amount: '123.45', currency: 'EUR' },
        referenceDate: '2019-11-15',
        lastChangeDateTime: undefined,
      },
    ]);
    const fortis = stetBalances.parse(recorded('bnpparibasfortis-2.0.1/happy-flow/account-3-balances-all.json'));
    expect(fortis.balances.map(balanceFromStet).map((b) => [b.type, b.amount.amount, b.referenceDate])).toEqual([
      ['expected', '10.1', '2019-04-02'],
      ['closingBooked', '-20.2', '2019-04-02'],
      ['other', '30.3', '2019-04-02'],
      ['other', '-40.4', '2019-04-02'],
    ]);
  });

  it('tolerates a null lastChangeDateTime as Boursorama sends it', () => {
    const body = stetBalances.parse(recorded('boursorama/ais/happy-flow/fetch_data/balances.json'));
    expect(body.balances.map(balanceFromStet)[0]).toMatchObject({ type: 'expected', amount: { amount: '1642.68' } });
  });

  it('signs BNP amounts by the debit indicator whether or not the bank already negated them', () => {
    const body = stetTransactions.parse(
      recorded('bnpparibasgroup/ais/happy-flow/account-1-transactions-with-pending.json'),
    );
    expect(
      transactionsFromStet(body.transactions).map((t) => [
        t.providerTransactionId,
        t.amount.amount,
        t.status,
        t.date,
        t.remittanceUnstructured,
      ]),
    ).toEqual([
      ['AF5T2', '12.25', 'BOOKED', '2018-02-12', 'SEPA CREDIT TRANSFER from PSD2Company'],
      ['AF5T3', '-2.5', 'PENDING', '2018-02-12', 'SEPA CREDIT TRANSFER from PSD2Company'],
      ['AF5T3', '-2.5', 'PENDING', '2018-02-13', 'SEPA CREDIT TRANSFER from PSD2Company no 2'],
    ]);
    const card = stetTransactions.parse(
      recorded('boursorama/ais/happy-flow/fetch_data/transactions-deferred-debit-card.json'),
    );
    expect(transactionsFromStet(card.transactions)[0]).toMatchObject({
      amount: { amount: '-2.85', currency: 'EUR' },
      status: 'PENDING',
      bookingDate: '2021-06-01',
      valueDate: '2021-05-11',
      remittanceUnstructured: 'CARTE 06 BOULANGERIE BG',
    });
  });

  it('drops a rejected line and keeps the entry reference as the id when Fortis repeats resource ids', () => {
    const body = stetTransactions.parse(
      recorded('bnpparibasfortis-2.0.1/happy-flow/account-1-transactions-page1.json'),
    );
    expect(
      transactionsFromStet(body.transactions).map((t) => [t.providerTransactionId, t.amount.amount, t.status]),
    ).toEqual([
      ['1001', '-12.25', 'BOOKED'],
      ['1002', '245.5', 'BOOKED'],
    ]);
    expect(body._links?.next?.href).toContain('index=');
  });

  it('refuses a credit with a negative amount instead of guessing its sign', () => {
    const body = stetTransactions.parse({
      transactions: [
        {
          transactionAmount: { amount: '-5.00', currency: 'EUR' },
          creditDebitIndicator: 'CRDT',
          status: 'BOOK',
          bookingDate: '2026-01-02',
        },
      ],
    });
    expect(() => transactionsFromStet(body.transactions)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_RESPONSE' }),
    );
  });

  it('refuses an amount in an unknown notation', () => {
    const parsed = stetTransactions.safeParse({
      transactions: [
        { transactionAmount: { amount: '1.234,50', currency: 'EUR' }, creditDebitIndicator: 'DBIT', status: 'BOOK' },
      ],
    });
    expect(parsed.success).toBe(false);
  });

  it('reads a payment status whether the amount is a string (BNP) or a JSON number (Boursorama)', () => {
    expect(
      paymentStatusFromStet(stetPaymentRequest.parse(recorded('bnpparibasgroup/pis/happy-flow/payment-status.json'))),
    ).toBe('ACSC');
    expect(
      paymentStatusFromStet(stetPaymentRequest.parse(recorded('boursorama/pis/happy-flow/payment-status.json'))),
    ).toBe('ACSC');
  });

  it('accepts the lower-case bearer token type BNP answers with', () => {
    expect(
      stetTokenResponse.parse(recorded('bnpparibasgroup/ais/happy-flow/exchange-authorization-code.json')),
    ).toMatchObject({
      access_token: 'access-token',
      refresh_token: 'refresh-token',
      expires_in: 300,
    });
  });
});
