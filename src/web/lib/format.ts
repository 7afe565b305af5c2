/**
 * Amounts arrive as decimal strings and are shown as they are, grouped for reading: never parsed into a float,
 * which would round cents away.
 */
export function formatAmount(amount: string, currency: string): string {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace(/^[-+]/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const cents = (fraction + '00').slice(0, Math.max(2, fraction.replace(/0+$/, '').length));
  return `${negative ? '−' : ''}${grouped}.${cents} ${currency}`;
}

export function formatDate(isoDate: string): string {
  return new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function formatDateTime(isoDateTime: string): string {
  return new Date(isoDateTime).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Whole days from now until a date, rounded down; negative once it has passed. */
export function daysUntil(isoDateTime: string, now: Date = new Date()): number {
  return Math.floor((new Date(isoDateTime).getTime() - now.getTime()) / 86_400_000);
}

export const SCOPE_LABELS: Record<string, string> = {
  ACCOUNTS: 'Accounts',
  BALANCES: 'Balances',
  TRANSACTIONS: 'Transactions',
  PAYMENTS: 'Payments',
};
