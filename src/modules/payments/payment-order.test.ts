import { InvalidInputError } from '../../common/errors';
import { orderHash, parsePaymentOrder, type PaymentOrderInput } from './payment-order';

const valid: PaymentOrderInput = {
  idempotencyKey: 'invoice-118',
  debtorAccountId: '6f1d2c55-8d0e-4d5b-9d43-3b7f0b8f1a10',
  creditorName: 'Papeterie Martin',
  creditorIban: 'FR76 3000 6000 0112 3456 7890 189',
  amount: '1234.5',
  remittanceInformation: 'INV-2026-118',
};

function refusal(over: Partial<PaymentOrderInput>): { field: string; message: string } {
  try {
    parsePaymentOrder({ ...valid, ...over });
  } catch (error) {
    if (error instanceof InvalidInputError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('the order was accepted');
}

describe('a payment order', () => {
  it('is normalized: IBAN in electronic format, amount with two decimals, EUR by default', () => {
    expect(parsePaymentOrder(valid)).toMatchObject({
      creditorIban: 'FR7630006000011234567890189',
      amount: '1234.50',
      currency: 'EUR',
    });
  });

  it('hashes the same for the same payment written differently, and differently for another amount', () => {
    const same = parsePaymentOrder({ ...valid, creditorIban: 'fr7630006000011234567890189', amount: '1234.50' });
    expect(orderHash(same)).toBe(orderHash(parsePaymentOrder(valid)));
    expect(orderHash(parsePaymentOrder({ ...valid, amount: '1234.51' }))).not.toBe(orderHash(same));
  });

  it.each([
    ['input.creditorIban', { creditorIban: 'FR76 3000 6000 0112 3456 7890 188' }],
    ['input.creditorIban', { creditorIban: 'US12 3456' }],
    ['input.amount', { amount: '0' }],
    ['input.amount', { amount: '-5.00' }],
    ['input.amount', { amount: '1.234' }],
    ['input.amount', { amount: '1,50' }],
    ['input.amount', { amount: '1000000000.00' }],
    ['input.currency', { currency: 'GBP' }],
    ['input.remittanceInformation', { remittanceInformation: 'a'.repeat(141) }],
    ['input.remittanceInformation', { remittanceInformation: 'Réf. 12' }],
    ['input.creditorName', { creditorName: '   ' }],
    ['input.creditorName', { creditorName: 'x'.repeat(71) }],
    ['input.idempotencyKey', { idempotencyKey: 'k'.repeat(256) }],
  ])('is refused on %s for %j', (field, over) => {
    expect(refusal(over).field).toBe(field);
  });

  it('accepts remittance information of exactly 140 SEPA characters', () => {
    const text = "INV/2026-118 (paid in full): thanks, +33 1 23 45 67 89 ? '".padEnd(140, 'x');
    expect(parsePaymentOrder({ ...valid, remittanceInformation: text }).remittanceInformation).toBe(text);
  });
});
