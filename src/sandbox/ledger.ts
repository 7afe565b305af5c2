import Decimal from 'decimal.js';
import { SANDBOX_BANKS, type SandboxBank, type SandboxBankSlug, sandboxBank } from './banks';
import {
  DAY_MS,
  SANDBOX_PSUS,
  type LedgerEntry,
  type SandboxAccount,
  type SandboxPsu,
  accountsFor,
  entriesForDay,
  isoDate,
} from './seed-data';

/** How much history exists before the sandbox's first `now()`: over 13 months, so 12 full months can be read. */
export const HISTORY_DAYS = 400;
/** A SEPA credit transfer initiated in the sandbox shows pending, then books this long after the PSU authorised it. */
export const SETTLEMENT_DELAY_MS = 10 * 60_000;

export type EntryStatus = 'booked' | 'pending';

export interface VisibleEntry {
  entry: LedgerEntry;
  status: EntryStatus;
  /** The id the bank shows right now: the pending id for an authorisation that has not booked yet. */
  id: string;
  /** The date a window filter applies to: booking date once booked, the day it was ordered while pending. */
  date: string;
}

export interface BalanceSet {
  /** End of the previous day, booked lines only (ISO 20022 CLBD / closingBooked). */
  closingBooked: Decimal;
  closingBookedDate: string;
  /** Booked lines up to now (interimBooked). */
  interimBooked: Decimal;
  /** Booked plus pending (expected / interimAvailable: no credit line in the sandbox). */
  expected: Decimal;
  lastChangeDateTime: Date;
}

/** A line a tester adds to an account through the control API. */
export interface AddedLine {
  /** Signed decimal: positive is a credit. */
  amount: Decimal;
  status: EntryStatus;
  counterpartyName?: string;
  counterpartyIban?: string;
  remittanceUnstructured?: string;
  remittanceStructured?: string;
  endToEndId?: string;
  /** ISO 20022 Domain-Family-SubFamily; a SEPA credit transfer received or sent by default. */
  bankTransactionCode?: string;
}

/** A pending line added through the control API stays pending until booked through it. */
const NOT_BOOKED = new Date(8_640_000_000_000_000);

export interface TransferOrder {
  debtor: SandboxAccount;
  creditorIban: string;
  creditorName: string;
  amount: Decimal;
  remittanceUnstructured?: string;
  endToEndId?: string;
  paymentId: string;
  authorisedAt: Date;
}

/**
 * The money of every sandbox bank in this process: seeded accounts and history, and the transfers initiated through
 * the payment endpoints, so a payment from one sandbox bank to another shows at both.
 */
export class Ledger {
  readonly origin: Date;
  private readonly accounts: SandboxAccount[];
  private readonly dayCache = new Map<string, LedgerEntry[]>();
  /** Lines that are not seeded: transfers between accounts, and lines added through the control API. */
  private readonly transfers: LedgerEntry[] = [];

  constructor(
    private readonly seed: string,
    private readonly now: () => Date,
  ) {
    const today = Math.floor(now().getTime() / DAY_MS) * DAY_MS;
    this.origin = new Date(today - HISTORY_DAYS * DAY_MS);
    this.accounts = SANDBOX_BANKS.flatMap((bank) => SANDBOX_PSUS.flatMap((psu) => accountsFor(bank, psu, seed)));
  }

  psu(psuId: string): SandboxPsu | undefined {
    return SANDBOX_PSUS.find((p) => p.id === psuId);
  }

  accountsOf(bankSlug: SandboxBankSlug, psuId: string): SandboxAccount[] {
    return this.accounts.filter((a) => a.bankSlug === bankSlug && a.psuId === psuId);
  }

  account(bankSlug: SandboxBankSlug, resourceId: string): SandboxAccount | undefined {
    return this.accounts.find((a) => a.bankSlug === bankSlug && a.resourceId === resourceId);
  }

  accountByIban(iban: string): SandboxAccount | undefined {
    const wanted = iban.replace(/\s+/g, '').toUpperCase();
    return this.accounts.find((a) => a.iban === wanted);
  }

  /** Every line of the account visible at `now()`, newest first, each with its current status. */
  entries(account: SandboxAccount): VisibleEntry[] {
    const now = this.now();
    const bank = sandboxBank(account.bankSlug);
    const psu = this.psu(account.psuId) as SandboxPsu;
    const siblings = this.accountsOf(account.bankSlug, account.psuId);
    const out: VisibleEntry[] = [];
    // One day past today: orders placed this evening for tomorrow (salaries) are already pending.
    const lastDay = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
    for (let t = this.origin.getTime(); t <= lastDay; t += DAY_MS) {
      for (const entry of this.day(bank, psu, siblings, new Date(t))) {
        if (entry.accountResourceId === account.resourceId) this.pushVisible(out, entry, now);
      }
    }
    for (const entry of this.transfers) {
      if (entry.accountResourceId === account.resourceId) this.pushVisible(out, entry, now);
    }
    return out.sort(
      (a, b) => b.entry.initiatedAt.getTime() - a.entry.initiatedAt.getTime() || (a.entry.id < b.entry.id ? -1 : 1),
    );
  }

  balances(account: SandboxAccount): BalanceSet {
    const now = this.now();
    const startOfToday = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    let closingBooked = account.openingBalance;
    let interimBooked = account.openingBalance;
    let expected = account.openingBalance;
    let lastChange = this.origin;
    for (const { entry, status } of this.entries(account)) {
      expected = expected.plus(entry.amount);
      if (status === 'booked') {
        interimBooked = interimBooked.plus(entry.amount);
        if (entry.bookedAt < startOfToday) closingBooked = closingBooked.plus(entry.amount);
      }
      const changedAt = status === 'booked' ? entry.bookedAt : entry.initiatedAt;
      if (changedAt > lastChange) lastChange = changedAt;
    }
    return {
      closingBooked,
      closingBookedDate: isoDate(new Date(startOfToday.getTime() - DAY_MS)),
      interimBooked,
      expected,
      lastChangeDateTime: lastChange,
    };
  }

  /**
   * The step both banks take once a payment is authorised: reject it when the debtor's expected balance does not
   * cover it (ISO 20022 AM04, insufficient funds; the TPP reads RJCT from the status), else execute the transfer.
   */
  executeOrReject(order: TransferOrder): 'ACSP' | 'RJCT' {
    if (this.balances(order.debtor).expected.lessThan(order.amount)) return 'RJCT';
    this.transfer(order);
    return 'ACSP';
  }

  /**
   * Books an authorised SEPA credit transfer: a debit on the debtor's account and, when the creditor's IBAN is held
   * at any sandbox bank of this process, the matching credit there. Both show pending until settlement.
   */
  transfer(order: TransferOrder): void {
    const bookedAt = new Date(order.authorisedAt.getTime() + SETTLEMENT_DELAY_MS);
    const common = {
      initiatedAt: order.authorisedAt,
      bookedAt,
      bookingDate: isoDate(bookedAt),
      valueDate: isoDate(bookedAt),
      endToEndId: order.endToEndId,
      remittanceUnstructured: order.remittanceUnstructured,
    };
    this.transfers.push({
      ...common,
      id: `${order.paymentId}-D`,
      accountResourceId: order.debtor.resourceId,
      amount: order.amount.negated(),
      counterpartyName: order.creditorName,
      counterpartyIban: order.creditorIban,
      bankTransactionCode: 'PMNT-ICDT-ESCT',
    });
    const creditor = this.accountByIban(order.creditorIban);
    if (creditor) {
      this.transfers.push({
        ...common,
        id: `${order.paymentId}-C`,
        accountResourceId: creditor.resourceId,
        amount: order.amount,
        counterpartyName: order.debtor.ownerName,
        counterpartyIban: order.debtor.iban,
        bankTransactionCode: 'PMNT-RCDT-ESCT',
      });
    }
  }

  /** Adds a line to an account now, booked or pending; returns it. */
  addLine(account: SandboxAccount, line: AddedLine, id: string): LedgerEntry {
    const now = this.now();
    const entry: LedgerEntry = {
      id,
      accountResourceId: account.resourceId,
      amount: line.amount,
      initiatedAt: now,
      bookedAt: line.status === 'booked' ? now : NOT_BOOKED,
      bookingDate: isoDate(now),
      valueDate: isoDate(now),
      counterpartyName: line.counterpartyName,
      counterpartyIban: line.counterpartyIban,
      remittanceUnstructured: line.remittanceUnstructured,
      remittanceStructured: line.remittanceStructured,
      endToEndId: line.endToEndId,
      bankTransactionCode: line.bankTransactionCode ?? (line.amount.isNegative() ? 'PMNT-ICDT-ESCT' : 'PMNT-RCDT-ESCT'),
    };
    this.transfers.push(entry);
    return entry;
  }

  /** Books a pending line added through the control API, now; undefined when no such pending line exists. */
  bookLine(id: string): LedgerEntry | undefined {
    const entry = this.transfers.find((e) => e.id === id && e.bookedAt.getTime() === NOT_BOOKED.getTime());
    if (!entry) return undefined;
    const now = this.now();
    Object.assign(entry, { bookedAt: now, bookingDate: isoDate(now), valueDate: isoDate(now) });
    return entry;
  }

  /** The lines that are not seeded, for the sandbox state file. */
  snapshot(): LedgerEntry[] {
    return this.transfers;
  }

  restore(entries: LedgerEntry[]): void {
    this.transfers.splice(0, this.transfers.length, ...entries);
  }

  settlementTime(authorisedAt: Date): Date {
    return new Date(authorisedAt.getTime() + SETTLEMENT_DELAY_MS);
  }

  private day(bank: SandboxBank, psu: SandboxPsu, accounts: SandboxAccount[], day: Date): LedgerEntry[] {
    const key = `${bank.slug}|${psu.id}|${day.getTime()}`;
    let entries = this.dayCache.get(key);
    if (!entries) {
      entries = entriesForDay(this.seed, bank, psu, accounts, day);
      this.dayCache.set(key, entries);
    }
    return entries;
  }

  private pushVisible(out: VisibleEntry[], entry: LedgerEntry, now: Date): void {
    if (entry.initiatedAt > now) return;
    if (entry.bookedAt <= now) {
      out.push({ entry, status: 'booked', id: entry.id, date: entry.bookingDate });
    } else {
      out.push({ entry, status: 'pending', id: entry.pendingId ?? entry.id, date: isoDate(entry.initiatedAt) });
    }
  }
}

export function decimalString(amount: Decimal): string {
  return amount.toFixed(2);
}
