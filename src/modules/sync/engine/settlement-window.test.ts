import { settlementGapDays, storedLinesSince } from './settlement-window';

describe('the settlement tolerance', () => {
  it('lets a booked line come up to seven days after its authorisation and two days before', () => {
    expect(settlementGapDays({ date: '2026-11-01' }, { date: '2026-11-08' })).toBe(7);
    expect(settlementGapDays({ date: '2026-11-01' }, { date: '2026-11-09' })).toBeUndefined();
    expect(settlementGapDays({ date: '2026-11-10' }, { date: '2026-11-08' })).toBe(2);
    expect(settlementGapDays({ date: '2026-11-10' }, { date: '2026-11-07' })).toBeUndefined();
  });

  it('measures from the closest of the dates each side carries (a card line keeps its value date when it books)', () => {
    const authorisation = { date: '2026-11-11', valueDate: '2026-11-11' };
    expect(settlementGapDays(authorisation, { date: '2026-11-13', valueDate: '2026-11-11' })).toBe(0);
  });

  it('crosses month and year ends', () => {
    expect(settlementGapDays({ date: '2026-12-30' }, { date: '2027-01-02' })).toBe(3);
  });

  it('asks the engine for the stored lines of a week before the window, where an authorisation can still book', () => {
    expect(storedLinesSince('2026-03-03')).toBe('2026-02-24');
  });

  it('refuses a date that is not ISO', () => {
    expect(() => settlementGapDays({ date: '11/03/2026' }, { date: '2026-11-03' })).toThrow(RangeError);
  });
});
