import { TransactionCategory as C } from '../categories/category';
import { monthlyCashflow, type CashflowLine } from './cashflow';

let sequence = 0;
const line = (date: string, amount: string, category: C, fields: Partial<CashflowLine> = {}): CashflowLine => ({
  id: `00000000-0000-4000-8000-${String((sequence += 1)).padStart(12, '0')}`,
  accountId: 'a',
  date,
  amount,
  currency: 'EUR',
  status: 'BOOKED',
  counterpartyName: `Counterparty ${sequence}`,
  counterpartyIban: null,
  category,
  ...fields,
});

describe('the monthly cash flow', () => {
  it('sums money in and out per month and category, in two-decimal strings', () => {
    const months = monthlyCashflow(
      [
        line('2026-10-05', '1000', C.REVENUE),
        line('2026-10-20', '-250.5', C.SUPPLIERS),
        line('2026-11-02', '300.25', C.CARD_PAYOUTS),
      ],
      { from: '2026-10-01', to: '2026-11-10' },
      [],
    );
    expect(months).toEqual([
      {
        month: '2026-10',
        currency: 'EUR',
        inflow: '1000.00',
        outflow: '250.50',
        net: '749.50',
        byCategory: [
          { category: C.REVENUE, inflow: '1000.00', outflow: '0.00' },
          { category: C.SUPPLIERS, inflow: '0.00', outflow: '250.50' },
        ],
        averageEndOfDayBalance: null,
        minimumEndOfDayBalance: null,
        daysNegative: null,
      },
      {
        month: '2026-11',
        currency: 'EUR',
        inflow: '300.25',
        outflow: '0.00',
        net: '300.25',
        byCategory: [{ category: C.CARD_PAYOUTS, inflow: '300.25', outflow: '0.00' }],
        averageEndOfDayBalance: null,
        minimumEndOfDayBalance: null,
        daysNegative: null,
      },
    ]);
  });

  it('leaves out own transfers, money sent back to the same counterparty, pending lines and lines outside the window', () => {
    const [month] = monthlyCashflow(
      [
        line('2026-10-02', '500', C.REVENUE),
        line('2026-10-03', '-2000', C.OWN_TRANSFERS),
        line('2026-10-03', '2000', C.OWN_TRANSFERS, { accountId: 'b' }),
        line('2026-10-04', '-120', C.SUPPLIERS, { counterpartyIban: 'DE89370400440532013000' }),
        line('2026-10-09', '120', C.REFUNDS, { counterpartyIban: 'DE89 3704 0044 0532 0130 00' }),
        line('2026-10-10', '-80', C.SUPPLIERS, { status: 'PENDING' }),
        line('2026-09-30', '999', C.REVENUE),
      ],
      { from: '2026-10-01', to: '2026-10-31' },
      [],
    );
    expect(month).toMatchObject({
      inflow: '500.00',
      outflow: '0.00',
      net: '500.00',
      byCategory: [{ category: C.REVENUE, inflow: '500.00' }],
    });
  });

  it('keeps a partial refund, a return after 30 days and a same-amount payment to someone else, which are not money sent back', () => {
    const iban = 'FR7630006000011234567890189';
    const [month] = monthlyCashflow(
      [
        line('2026-10-01', '-60', C.SUPPLIERS, { counterpartyIban: iban }),
        line('2026-10-05', '50', C.REFUNDS, { counterpartyIban: iban }),
        line('2026-10-02', '-70', C.SUPPLIERS, { counterpartyIban: iban }),
        line('2026-11-02', '70', C.REFUNDS, { counterpartyIban: iban }),
        line('2026-10-03', '-40', C.SUPPLIERS, { counterpartyIban: iban }),
        line('2026-10-04', '40', C.REVENUE, { counterpartyIban: 'DE89370400440532013000' }),
      ],
      { from: '2026-10-01', to: '2026-11-30' },
      [],
    );
    expect(month).toMatchObject({ inflow: '90.00', outflow: '170.00', net: '-80.00' });
  });

  it('rebuilds every day’s closing balance back from the bank’s balance, and counts the days below zero', () => {
    // Today's balance is 100 after everything; 300 came in on the 3rd and 500 left on the 2nd.
    const [month] = monthlyCashflow(
      [
        line('2026-10-02', '-500', C.SUPPLIERS),
        line('2026-10-03', '300', C.REVENUE),
        line('2026-10-05', '50', C.REVENUE),
      ],
      { from: '2026-10-01', to: '2026-10-04' },
      [{ accountId: 'a', currency: 'EUR', amount: '100', asOf: null }],
    );
    // End of day: 1st 250, 2nd -250, 3rd 50, 4th 50 (the 5th's 50 is after the window but in today's balance).
    expect(month).toMatchObject({
      averageEndOfDayBalance: '25.00',
      minimumEndOfDayBalance: '-250.00',
      daysNegative: 1,
    });
  });

  it('anchors a closing balance at its own day, adding what booked after it', () => {
    const [month] = monthlyCashflow(
      [line('2026-10-02', '40', C.REVENUE), line('2026-10-04', '10', C.REVENUE)],
      { from: '2026-10-01', to: '2026-10-04' },
      [{ accountId: 'a', currency: 'EUR', amount: '100', asOf: '2026-10-02' }],
    );
    // 1st 60, 2nd 100, 3rd 100, 4th 110.
    expect(month).toMatchObject({ averageEndOfDayBalance: '92.50', minimumEndOfDayBalance: '60.00', daysNegative: 0 });
  });
});
