import Decimal from 'decimal.js';
import { isValidIBAN } from 'ibantools';
import { SANDBOX_BANKS } from './banks';
import { isValidCreditorReference } from './identifiers';
import { Ledger, type VisibleEntry } from './ledger';
import { DAY_MS, SANDBOX_PSUS } from './seed-data';

const NOW = new Date('2026-11-25T12:00:00Z');

function fingerprint(entries: VisibleEntry[]): string[] {
  return entries.map(
    (v) => `${v.id}|${v.status}|${v.date}|${v.entry.amount.toFixed(2)}|${v.entry.remittanceUnstructured ?? ''}`,
  );
}

describe('sandbox ledger (seeded data)', () => {
  let clock: Date;
  let ledger: Ledger;
  beforeEach(() => {
    clock = NOW;
    ledger = new Ledger('ledger-test', () => clock);
  });

  const allAccounts = () => SANDBOX_BANKS.flatMap((b) => SANDBOX_PSUS.flatMap((p) => ledger.accountsOf(b.slug, p.id)));

  it('gives alice and bob several EUR current and savings accounts with valid, unique IBANs at every bank', () => {
    for (const bank of SANDBOX_BANKS) {
      for (const psu of ['alice', 'bob']) {
        const accounts = ledger.accountsOf(bank.slug, psu);
        expect(accounts.length).toBeGreaterThanOrEqual(2);
        expect(new Set(accounts.map((a) => a.cashAccountType))).toEqual(new Set(['CACC', 'SVGS']));
        expect(
          accounts.every((a) => a.currency === 'EUR' && isValidIBAN(a.iban) && a.iban.startsWith(bank.country)),
        ).toBe(true);
      }
    }
    const ibans = allAccounts().map((a) => a.iban);
    expect(new Set(ibans).size).toBe(ibans.length);
  });

  it('holds at least twelve months of history ending at now()', () => {
    const entries = ledger.entries(ledger.accountsOf('berlin-group', 'alice')[0]);
    const dates = entries.map((v) => v.date).sort();
    expect(dates[0] <= '2025-11-25').toBe(true);
    expect(dates[dates.length - 1] <= '2026-11-25').toBe(true);
    expect(entries.every((v) => v.entry.initiatedAt <= NOW)).toBe(true);
  });

  it('keeps balances consistent with the transactions', () => {
    for (const account of allAccounts()) {
      const entries = ledger.entries(account);
      const balances = ledger.balances(account);
      const sum = (list: VisibleEntry[]) => list.reduce((total, v) => total.plus(v.entry.amount), new Decimal(0));
      const booked = entries.filter((v) => v.status === 'booked');
      const pending = entries.filter((v) => v.status === 'pending');
      expect(balances.interimBooked.toFixed(2)).toBe(account.openingBalance.plus(sum(booked)).toFixed(2));
      expect(balances.expected.toFixed(2)).toBe(balances.interimBooked.plus(sum(pending)).toFixed(2));
      const bookedToday = booked.filter((v) => v.entry.bookedAt >= new Date('2026-11-25T00:00:00Z'));
      expect(balances.closingBooked.plus(sum(bookedToday)).toFixed(2)).toBe(balances.interimBooked.toFixed(2));
      expect(entries.every((v) => v.entry.amount.decimalPlaces() <= 2)).toBe(true);
    }
  });

  it('serves the same data for the same seed and clock, and other data for another seed', () => {
    const account = ledger.accountsOf('stet', 'bob')[0];
    const again = new Ledger('ledger-test', () => NOW);
    expect(fingerprint(again.entries(account))).toEqual(fingerprint(ledger.entries(account)));
    const reseeded = new Ledger('another-seed', () => NOW);
    expect(reseeded.accountsOf('stet', 'bob')[0].iban).toBe(account.iban);
    expect(fingerprint(reseeded.entries(account))).not.toEqual(fingerprint(ledger.entries(account)));
  });

  it('contains the transactions a small business sees', () => {
    const entries = ledger.entries(ledger.accountsOf('berlin-group', 'alice')[0]).map((v) => v.entry);
    const structured = entries.filter((e) => e.remittanceStructured);
    expect(structured.length).toBeGreaterThan(10);
    expect(structured.every((e) => isValidCreditorReference(e.remittanceStructured as string))).toBe(true);
    expect(
      entries.some((e) => e.amount.isPositive() && /Invoice INV-\d{4}-\d{4}/.test(e.remittanceUnstructured ?? '')),
    ).toBe(true);
    const directDebits = entries.filter((e) => e.bankTransactionCode === 'PMNT-RDDT-ESDD');
    expect(directDebits.length).toBeGreaterThan(40);
    expect(directDebits.every((e) => e.mandateId && e.creditorId)).toBe(true);
    expect(entries.some((e) => e.merchantCategoryCode === '5411')).toBe(true);
    expect(entries.filter((e) => e.counterpartyName === 'Stripe Payments Europe Ltd').length).toBeGreaterThan(80);
    expect(entries.filter((e) => e.purposeCode === 'SALA').length).toBeGreaterThanOrEqual(36);
    expect(entries.filter((e) => e.purposeCode === 'TAXS').length).toBeGreaterThanOrEqual(12);
  });

  it('books pending card payments later, some keeping their id and some changing it', () => {
    const account = ledger.accountsOf('berlin-group', 'alice')[1];
    const pendingNow = ledger.entries(account).filter((v) => v.status === 'pending');
    expect(pendingNow.length).toBeGreaterThan(0);
    clock = new Date(NOW.getTime() + 3 * DAY_MS);
    const later = new Map(ledger.entries(account).map((v) => [v.entry, v]));
    for (const pending of pendingNow) {
      const booked = later.get(pending.entry);
      expect(booked?.status).toBe('booked');
    }
    const checkDays = Array.from({ length: 30 }, (_, i) => new Date(NOW.getTime() - i * DAY_MS));
    const kinds = new Set<string>();
    for (const day of checkDays) {
      clock = day;
      for (const v of ledger.entries(account).filter((e) => e.status === 'pending'))
        kinds.add(v.id === v.entry.id ? 'kept' : 'changed');
    }
    expect(kinds).toEqual(new Set(['kept', 'changed']));
  });

  it('shows new transactions as the clock advances, leaving the older ones unchanged', () => {
    const account = ledger.accountsOf('flaky', 'bob')[0];
    const before = ledger
      .entries(account)
      .filter((v) => v.status === 'booked' && v.entry.bookedAt < new Date('2026-11-20T00:00:00Z'));
    const countBefore = ledger.entries(account).length;
    clock = new Date(NOW.getTime() + 7 * DAY_MS);
    const after = ledger.entries(account);
    expect(after.length).toBeGreaterThan(countBefore);
    const stillThere = new Set(fingerprint(after));
    expect(fingerprint(before).every((f) => stillThere.has(f))).toBe(true);
  });
});
