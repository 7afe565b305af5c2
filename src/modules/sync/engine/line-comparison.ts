/**
 * Comparing two versions of one bank line: which fields changed, how alike two remittances read, and whether a
 * booked amount can be the settlement of a pending one that differed (tip, currency conversion).
 */
import Decimal from 'decimal.js';
import type { Counterparty, ProviderTransaction } from '../../../providers/types';
import { canonical } from '../../../providers/shared/money';
import { normalizedIban, normalizedName } from './fingerprint';

/** The fields of a line whose change the sync engine records (and writes back to the store). */
export type ChangedField =
  | 'providerTransactionId'
  | 'status'
  | 'amount'
  | 'currency'
  | 'date'
  | 'bookingDate'
  | 'valueDate'
  | 'counterpartyName'
  | 'counterpartyIban'
  | 'counterpartyBic'
  | 'remittanceUnstructured'
  | 'remittanceStructured'
  | 'endToEndId'
  | 'mandateId'
  | 'creditorId'
  | 'bankTransactionCode'
  | 'merchantCategoryCode'
  | 'entryReference'
  | 'fingerprint';

type TextField = Exclude<
  keyof ProviderTransaction,
  'amount' | 'counterparty' | 'status' | 'providerTransactionId' | 'date' | 'bookingDate' | 'valueDate'
> &
  ChangedField;

const TEXT_FIELDS: readonly TextField[] = [
  'remittanceUnstructured',
  'remittanceStructured',
  'endToEndId',
  'mandateId',
  'creditorId',
  'bankTransactionCode',
  'merchantCategoryCode',
  'entryReference',
];

/** A field a bank leaves out and one it sends empty say the same thing. */
function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '') === (b ?? '');
}

export function sameAmount(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}

/** The fields that differ, in a fixed order, so a change reads the same on every run. */
export function changedFields(
  before: ProviderTransaction & { fingerprint: string },
  after: ProviderTransaction & { fingerprint: string },
): ChangedField[] {
  const changed: ChangedField[] = [];
  if (before.providerTransactionId !== after.providerTransactionId) changed.push('providerTransactionId');
  if (before.status !== after.status) changed.push('status');
  if (!sameAmount(before.amount.amount, after.amount.amount)) changed.push('amount');
  if (before.amount.currency.toUpperCase() !== after.amount.currency.toUpperCase()) changed.push('currency');
  if (before.date !== after.date) changed.push('date');
  if (!sameText(before.bookingDate, after.bookingDate)) changed.push('bookingDate');
  if (!sameText(before.valueDate, after.valueDate)) changed.push('valueDate');
  if (!sameText(before.counterparty?.name, after.counterparty?.name)) changed.push('counterpartyName');
  if (normalizedIban(before.counterparty?.iban) !== normalizedIban(after.counterparty?.iban)) {
    changed.push('counterpartyIban');
  }
  if (!sameText(before.counterparty?.bic, after.counterparty?.bic)) changed.push('counterpartyBic');
  for (const field of TEXT_FIELDS) {
    if (!sameText(before[field], after[field])) changed.push(field);
  }
  if (before.fingerprint !== after.fingerprint) changed.push('fingerprint');
  return changed;
}

function remittanceWords(line: ProviderTransaction): Set<string> {
  const text = normalizedName([line.remittanceUnstructured, line.remittanceStructured].filter(Boolean).join(' '));
  return new Set(text ? text.split(' ') : []);
}

/** Jaccard similarity of the remittance words, 0..1: only used to break ties, so a plain word overlap is enough. */
export function remittanceSimilarity(a: ProviderTransaction, b: ProviderTransaction): number {
  const wordsA = remittanceWords(a);
  const wordsB = remittanceWords(b);
  if (wordsA.size === 0 && wordsB.size === 0) return 0;
  let shared = 0;
  for (const word of wordsA) if (wordsB.has(word)) shared += 1;
  return shared / (wordsA.size + wordsB.size - shared);
}

/**
 * Both lines name the same payee: by IBAN when both carry one, else by name when both carry one. Unlike the
 * fingerprint's key this tolerates a pending card line that has a name and a booked one that also has an IBAN.
 */
export function sameCounterparty(a: Counterparty | undefined, b: Counterparty | undefined): boolean {
  const ibanA = normalizedIban(a?.iban);
  const ibanB = normalizedIban(b?.iban);
  if (ibanA && ibanB) return ibanA === ibanB;
  const nameA = normalizedName(a?.name);
  const nameB = normalizedName(b?.name);
  return nameA !== undefined && nameA === nameB;
}

/**
 * How far a booked card amount may move from its authorisation: a restaurant tip (up to a fifth in practice) or the
 * final rate of a currency conversion. A hotel or fuel pre-authorisation can differ more; those show as a released
 * authorisation and a new line.
 */
export const SETTLED_AMOUNT_TOLERANCE = new Decimal('0.20');

/** How far the booked amount is from the pending one, when within tolerance and of the same sign; else undefined. */
export function settledAmountDrift(pending: ProviderTransaction, booked: ProviderTransaction): Decimal | undefined {
  if (pending.amount.currency.toUpperCase() !== booked.amount.currency.toUpperCase()) return undefined;
  const before = new Decimal(pending.amount.amount);
  const after = new Decimal(booked.amount.amount);
  if (before.isZero() || before.isNegative() !== after.isNegative()) return undefined;
  const drift = after.minus(before).abs();
  return drift.lte(before.abs().times(SETTLED_AMOUNT_TOLERANCE)) ? drift : undefined;
}
