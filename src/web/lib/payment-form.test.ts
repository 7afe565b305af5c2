import {
  canPayFrom,
  EMPTY_DRAFT,
  fieldOfRefusal,
  IdempotencyKeys,
  normalisedAmount,
  toPaymentOrder,
  validatePayment,
  type PaymentDraft,
} from './payment-form';

const valid: PaymentDraft = {
  debtorAccountId: 'account-1',
  creditorName: 'Papeterie Martin',
  creditorIban: 'FR76 3000 6000 0112 3456 7890 189',
  amount: '1234.50',
  remittanceInformation: 'INV-2026-118',
};

describe('the payment form', () => {
  it('accepts a SEPA transfer the gateway takes, and sends it trimmed, with the IBAN in its electronic form', () => {
    expect(validatePayment(valid)).toEqual({});
    expect(
      toPaymentOrder({ ...valid, creditorName: '  Papeterie Martin ', remittanceInformation: ' INV-2026-118 ' }),
    ).toEqual({
      debtorAccountId: 'account-1',
      creditorName: 'Papeterie Martin',
      creditorIban: 'FR7630006000011234567890189',
      amount: '1234.50',
      remittanceInformation: 'INV-2026-118',
    });
  });

  it('leaves out an empty reference, which the gateway takes as none', () => {
    expect(validatePayment({ ...valid, remittanceInformation: '   ' })).toEqual({});
    expect(toPaymentOrder({ ...valid, remittanceInformation: '   ' })).not.toHaveProperty('remittanceInformation');
  });

  it('names every missing field', () => {
    expect(validatePayment(EMPTY_DRAFT)).toEqual({
      debtorAccountId: 'Choose the account to pay from.',
      creditorName: "Enter the payee's name.",
      creditorIban: "Enter the payee's IBAN.",
      amount: 'Enter an amount in euros with at most two decimals, e.g. 1250.00.',
    });
  });

  it('refuses an IBAN with wrong check digits, and one outside the SEPA area, as the gateway does', () => {
    expect(validatePayment({ ...valid, creditorIban: 'FR76 3000 6000 0112 3456 7890 188' }).creditorIban).toBe(
      'This IBAN is not valid: check it against the invoice.',
    );
    // A valid Brazilian IBAN: right length and check digits, but no SEPA credit transfer reaches it.
    expect(validatePayment({ ...valid, creditorIban: 'BR1800360305000010009795493C1' }).creditorIban).toMatch(
      /outside the SEPA area/,
    );
    // Lower case and spaces are how IBANs are copied from invoices: the gateway accepts them, so does the form.
    expect(validatePayment({ ...valid, creditorIban: 'de89 3704 0044 0532 0130 00' })).toEqual({});
  });

  it('takes amounts up to the gateway limit, a decimal comma and grouping spaces included, and never zero', () => {
    for (const amount of ['0.01', '1', '120.5', '999999999.99', '1 250,50', '1\u202f250.50']) {
      expect(validatePayment({ ...valid, amount })).toEqual({});
    }
    expect(validatePayment({ ...valid, amount: '0.00' }).amount).toBe('Enter an amount above zero.');
    for (const amount of ['1000000000', '12.345', '-5', '1e3', '12.', 'ten']) {
      expect(validatePayment({ ...valid, amount }).amount).toMatch(/at most two decimals/);
    }
  });

  it('sends amounts with two decimals, read from the string and never through a float', () => {
    expect(normalisedAmount('1 250,5')).toBe('1250.50');
    expect(normalisedAmount('007')).toBe('7.00');
    expect(normalisedAmount('0.1')).toBe('0.10');
    expect(normalisedAmount('999999999.99')).toBe('999999999.99');
  });

  it('keeps names and references to the SEPA characters and lengths', () => {
    expect(validatePayment({ ...valid, creditorName: 'x'.repeat(70) })).toEqual({});
    expect(validatePayment({ ...valid, creditorName: 'x'.repeat(71) }).creditorName).toBe(
      'A payee name has at most 70 characters.',
    );
    expect(validatePayment({ ...valid, creditorName: 'Café Müller' }).creditorName).toMatch(/letters without accents/);
    expect(validatePayment({ ...valid, creditorName: "O'Brien & Co" }).creditorName).toMatch(/letters without accents/);
    expect(validatePayment({ ...valid, creditorName: "O'Brien (Dublin) Ltd., 2/3 +?:-" })).toEqual({});
    expect(validatePayment({ ...valid, remittanceInformation: 'r'.repeat(140) })).toEqual({});
    expect(validatePayment({ ...valid, remittanceInformation: 'r'.repeat(141) }).remittanceInformation).toBe(
      'A reference has at most 140 characters.',
    );
    expect(validatePayment({ ...valid, remittanceInformation: 'Facture n°12' }).remittanceInformation).toMatch(
      /letters without accents/,
    );
  });
});

describe('the idempotency key of a payment', () => {
  let counter = 0;
  const keys = () => new IdempotencyKeys(() => `key-${++counter}`);

  it('stays the same when the same order is sent again, even after an edit undone or written differently', () => {
    const sent = keys();
    const first = sent.keyFor(toPaymentOrder(valid));
    expect(sent.keyFor(toPaymentOrder(valid))).toBe(first);
    sent.keyFor(toPaymentOrder({ ...valid, amount: '99.00' }));
    expect(
      sent.keyFor(toPaymentOrder({ ...valid, amount: '1 234,5', creditorIban: 'fr7630006000011234567890189' })),
    ).toBe(first);
  });

  it('changes for another payee, amount, account or reference', () => {
    const sent = keys();
    const first = sent.keyFor(toPaymentOrder(valid));
    const others = [
      { creditorName: 'Imprimerie Durand' },
      { creditorIban: 'DE89370400440532013000' },
      { amount: '1234.51' },
      { debtorAccountId: 'account-2' },
      { remittanceInformation: 'INV-2026-119' },
    ].map((change) => sent.keyFor(toPaymentOrder({ ...valid, ...change })));
    expect(new Set([first, ...others]).size).toBe(6);
  });

  it('is random for each form, so two browsers never share one', () => {
    const order = toPaymentOrder(valid);
    const [a, b] = [new IdempotencyKeys().keyFor(order), new IdempotencyKeys().keyFor(order)];
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});

describe('the accounts a payment can leave from', () => {
  const account = { iban: 'DE89370400440532013000', currency: 'EUR', institution: { capabilities: ['AIS', 'PIS'] } };

  it('are euro accounts with an IBAN at a bank that initiates payments', () => {
    expect(canPayFrom(account)).toBe(true);
    expect(canPayFrom({ ...account, institution: { capabilities: ['AIS'] } })).toBe(false);
    expect(canPayFrom({ ...account, currency: 'USD' })).toBe(false);
    expect(canPayFrom({ ...account, iban: null })).toBe(false);
  });
});

describe('a refusal by the gateway', () => {
  it('is shown next to the field it names', () => {
    expect(fieldOfRefusal({ code: 'BAD_USER_INPUT', field: 'input.creditorIban' })).toBe('creditorIban');
    expect(fieldOfRefusal({ code: 'BAD_USER_INPUT', field: 'input.redirectUri' })).toBeUndefined();
    expect(fieldOfRefusal({ code: 'PROVIDER_UNAVAILABLE' })).toBeUndefined();
    expect(fieldOfRefusal(undefined)).toBeUndefined();
  });
});
