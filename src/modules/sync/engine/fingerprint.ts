/**
 * The fingerprint of a bank line: what stays the same when a pending line books under another bank id. The store
 * keeps it in a column (indexable, so the engine can look candidates up in SQL); `diffFeed` recomputes it from the
 * fields, so a stale column never decides a match.
 *
 * It holds amount, currency and counterparty only. The date is deliberately left out: a card authorisation books one
 * to five days after it was made, so dates are compared with a tolerance beside the fingerprint, never inside it.
 */
import { hash } from 'node:crypto';
import { electronicFormatIBAN } from 'ibantools';
import { foldText } from '../../../common/text';
import { canonical } from '../../../providers/shared/money';
import type { Counterparty, Money } from '../../../providers/types';

/** Bumped when the recipe changes, so a column written by an older recipe is recognisable as stale. */
const FINGERPRINT_VERSION = 'v1';

/** Electronic format (no spaces, upper case); undefined when there is no IBAN. */
export function normalizedIban(iban: string | undefined): string | undefined {
  if (!iban) return undefined;
  const compact = electronicFormatIBAN(iban) ?? iban.replace(/\s+/g, '').toUpperCase();
  return compact.length > 0 ? compact : undefined;
}

/** The name folded as `foldText` does; undefined when nothing is left. */
export function normalizedName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const words = foldText(name);
  return words.length > 0 ? words : undefined;
}

/** The IBAN identifies a payee better than its name, which banks truncate and reword; the name is the fallback. */
export function counterpartyKey(counterparty: Counterparty | undefined): string {
  const iban = normalizedIban(counterparty?.iban);
  if (iban) return `iban:${iban}`;
  const name = normalizedName(counterparty?.name);
  return name ? `name:${name}` : 'none';
}

export interface FingerprintFields {
  amount: Money;
  counterparty?: Counterparty;
}

export function transactionFingerprint(line: FingerprintFields): string {
  const material = [
    canonical(line.amount.amount),
    line.amount.currency.toUpperCase(),
    counterpartyKey(line.counterparty),
  ];
  // The one-shot hash: a first sync fingerprints a year of lines, and a Hash object per line was most of that time.
  return `${FINGERPRINT_VERSION}-${hash('sha256', material.join('\u001f'), 'hex').slice(0, 32)}`;
}
