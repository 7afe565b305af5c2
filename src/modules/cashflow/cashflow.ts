import Decimal from 'decimal.js';
import { counterpartyKey } from '../categories/categoriser';
import { TransactionCategory } from '../categories/category';

export interface CashflowLine {
  id: string;
  accountId: string;
  date: string;
  amount: string;
  currency: string;
  status: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  category: TransactionCategory;
}

/** A balance the bank reported, and the last day whose booked lines it includes (null: every stored line). */
export interface BalanceAnchor {
  accountId: string;
  currency: string;
  amount: string;
  asOf: string | null;
}

export interface CategoryFlow {
  category: TransactionCategory;
  inflow: string;
  outflow: string;
}

export interface CashflowMonth {
  month: string;
  currency: string;
  inflow: string;
  outflow: string;
  net: string;
  byCategory: CategoryFlow[];
  /** Null when no balance of the shared accounts could be read. */
  averageEndOfDayBalance: string | null;
  minimumEndOfDayBalance: string | null;
  daysNegative: number | null;
}

/** Money sent back within this many days of leaving (or arriving) cancels out rather than counting twice. */
const SENT_BACK_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * A credit analyst's monthly cash flow over a window: inflow, outflow and net per month and category, leaving out
 * transfers between the owner's own accounts and money sent back (a payment and its return, or a receipt and the
 * refund of it, to and from the same counterparty for the same amount), plus the end-of-day balance of every day
 * of the window, rebuilt backwards from the balances the banks report. `lines` are the shared accounts' lines from
 * the window's start on, later ones included: they carry today's balance back to each day of the window.
 */
export function monthlyCashflow(
  lines: readonly CashflowLine[],
  window: { from: string; to: string },
  anchors: readonly BalanceAnchor[],
): CashflowMonth[] {
  const booked = lines.filter((line) => line.status === 'BOOKED');
  const inWindow = booked.filter((line) => line.date >= window.from && line.date <= window.to);
  const sentBack = pairsSentBack(inWindow);
  const counted = inWindow.filter(
    (line) => line.category !== TransactionCategory.OWN_TRANSFERS && !sentBack.has(line.id),
  );
  const currencies = [
    ...new Set([...inWindow.map((line) => line.currency), ...anchors.map((anchor) => anchor.currency)]),
  ].sort();
  const months = monthsOf(window);
  return currencies.flatMap((currency) => {
    const balances = endOfDayBalances(
      booked.filter((line) => line.currency === currency),
      window,
      anchors.filter((anchor) => anchor.currency === currency),
    );
    return months.map((month) => {
      const monthLines = counted.filter((line) => line.currency === currency && line.date.startsWith(month));
      const flows = sumFlows(monthLines);
      const days = balances
        ? [...balances].filter(([day]) => day.startsWith(month)).map(([, balance]) => balance)
        : null;
      return {
        month,
        currency,
        inflow: flows.inflow.toFixed(2),
        outflow: flows.outflow.toFixed(2),
        net: flows.inflow.minus(flows.outflow).toFixed(2),
        byCategory: Object.values(TransactionCategory).flatMap((category) => {
          const of = sumFlows(monthLines.filter((line) => line.category === category));
          return of.inflow.isZero() && of.outflow.isZero()
            ? []
            : [{ category, inflow: of.inflow.toFixed(2), outflow: of.outflow.toFixed(2) }];
        }),
        averageEndOfDayBalance: days?.length
          ? Decimal.sum(...days)
              .div(days.length)
              .toFixed(2)
          : null,
        minimumEndOfDayBalance: days?.length ? Decimal.min(...days).toFixed(2) : null,
        daysNegative: days ? days.filter((balance) => balance.isNegative() && !balance.isZero()).length : null,
      };
    });
  });
}

function sumFlows(lines: readonly CashflowLine[]): { inflow: Decimal; outflow: Decimal } {
  let inflow = new Decimal(0);
  let outflow = new Decimal(0);
  for (const line of lines) {
    const amount = new Decimal(line.amount);
    if (amount.isPositive()) inflow = inflow.plus(amount);
    else outflow = outflow.minus(amount);
  }
  return { inflow, outflow };
}

/** Ids of lines that cancel out: each matched to the nearest later opposite line of the same counterparty and amount. */
function pairsSentBack(lines: readonly CashflowLine[]): Set<string> {
  const paired = new Set<string>();
  // Grouped by counterparty, currency and absolute amount first: only lines in one group can cancel out.
  const groups = new Map<string, CashflowLine[]>();
  for (const line of lines) {
    const key = counterpartyKey(line);
    if (!key || line.category === TransactionCategory.OWN_TRANSFERS) continue;
    const group = `${key}|${line.currency}|${new Decimal(line.amount).abs().toFixed(2)}`;
    groups.set(group, [...(groups.get(group) ?? []), line]);
  }
  for (const group of groups.values()) {
    const sorted = group.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
    sorted.forEach((line, index) => {
      if (paired.has(line.id)) return;
      const limit = Date.parse(line.date) + SENT_BACK_DAYS * DAY_MS;
      const outgoing = new Decimal(line.amount).isNegative();
      const back = sorted
        .slice(index + 1)
        .find(
          (other) =>
            !paired.has(other.id) &&
            Date.parse(other.date) <= limit &&
            new Decimal(other.amount).isNegative() !== outgoing,
        );
      if (back) {
        paired.add(line.id);
        paired.add(back.id);
      }
    });
  }
  return paired;
}

/**
 * The summed end-of-day balance of every day of the window, or null without anchors. The caller gives an anchor for
 * every account of the currency or none: a sum missing one account would be a wrong number, not a partial one.
 */
function endOfDayBalances(
  booked: readonly CashflowLine[],
  window: { from: string; to: string },
  anchors: readonly BalanceAnchor[],
): Map<string, Decimal> | null {
  if (anchors.length === 0) return null;
  const days = new Map<string, Decimal>();
  for (let day = Date.parse(window.from); day <= Date.parse(window.to); day += DAY_MS) {
    const date = new Date(day).toISOString().slice(0, 10);
    let total = new Decimal(0);
    for (const anchor of anchors) {
      // Balance at the end of `date` = the anchor, minus what booked after `date` up to the anchor's day, plus what
      // booked after the anchor's day up to `date`.
      let balance = new Decimal(anchor.amount);
      for (const line of booked) {
        if (line.accountId !== anchor.accountId) continue;
        const afterDay = line.date > date;
        const coveredByAnchor = anchor.asOf === null || line.date <= anchor.asOf;
        if (afterDay && coveredByAnchor) balance = balance.minus(line.amount);
        else if (!afterDay && !coveredByAnchor) balance = balance.plus(line.amount);
      }
      total = total.plus(balance);
    }
    days.set(date, total);
  }
  return days;
}

function monthsOf(window: { from: string; to: string }): string[] {
  const months: string[] = [];
  for (let month = window.from.slice(0, 7); month <= window.to.slice(0, 7);) {
    months.push(month);
    const [year, index] = month.split('-').map(Number) as [number, number];
    month = index === 12 ? `${year + 1}-01` : `${year}-${String(index + 1).padStart(2, '0')}`;
  }
  return months;
}
