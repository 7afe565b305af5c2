import { PaymentStatus } from './payment.entity';
import { paymentStatusFromProvider } from './payment-status';

describe('a bank’s ISO 20022 payment status', () => {
  it.each([
    ['ACCC', PaymentStatus.ACSC],
    ['ACWC', PaymentStatus.ACSP],
    ['ACWP', PaymentStatus.ACSP],
    ['ACFC', PaymentStatus.ACCP],
    ['PATC', PaymentStatus.PDNG],
    ['RJCT', PaymentStatus.RJCT],
    ['ACSP', PaymentStatus.ACSP],
  ] as const)('%s is shown to clients as %s', (bank, shown) => {
    expect(paymentStatusFromProvider(bank)).toBe(shown);
  });
});
