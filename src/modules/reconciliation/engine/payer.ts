/**
 * Who paid: the credit's counterparty compared with invoice customers, by IBAN, by name, and by the owner's own
 * history (payers confirmed for a customer, including third parties such as a parent company or a factor).
 */
import { InvoiceIndex, MAX_PAYER_SCAN, normalizeIban, type IndexedInvoice } from './invoice-index';
import { nameSimilarity, normalizeName, type NormalizedName } from './party-name';
import type { KnownPayer, Signal } from './types';

/** Below this Levenshtein similarity two cores are different names (tuned on typos such as "DUPOND"/"DUPONT"). */
const SIMILAR_NAME = 0.85;

export const PAYER_POINTS = {
  iban: 3,
  nameFull: 2.5,
  nameCore: 2,
  nameLegalFormDiffers: 1.5,
  nameSimilar: 1.5,
  confirmed: 4,
} as const;

export interface Payer {
  iban: string | null;
  name: NormalizedName | null;
  /** Customer cores the owner confirmed this payer pays for. */
  confirmedCores: Set<string>;
}

export class PayerMemory {
  private readonly byIban = new Map<string, Set<string>>();
  private readonly byName = new Map<string, Set<string>>();

  constructor(knownPayers: readonly KnownPayer[]) {
    for (const known of knownPayers) {
      const customer = normalizeName(known.customerName);
      if (!customer) continue;
      const iban = normalizeIban(known.payerIban);
      const name = normalizeName(known.payerName);
      if (iban) this.add(this.byIban, iban, customer.core);
      if (name) this.add(this.byName, name.full, customer.core);
    }
  }

  private add(map: Map<string, Set<string>>, key: string, core: string): void {
    const cores = map.get(key) ?? new Set<string>();
    cores.add(core);
    map.set(key, cores);
  }

  payer(counterpartyName: string | null | undefined, counterpartyIban: string | null | undefined): Payer {
    const iban = normalizeIban(counterpartyIban);
    const name = normalizeName(counterpartyName);
    const confirmedCores = new Set<string>([
      ...(iban ? (this.byIban.get(iban) ?? []) : []),
      ...(name ? (this.byName.get(name.full) ?? []) : []),
    ]);
    return { iban, name, confirmedCores };
  }
}

/** The evidence that `payer` is `invoice`'s customer (empty when none). */
export function payerSignals(payer: Payer, invoice: IndexedInvoice): Signal[] {
  const signals: Signal[] = [];
  const invoiceId = invoice.invoice.id;
  if (payer.iban && payer.iban === invoice.iban) signals.push({ kind: 'PAYER_IBAN', points: PAYER_POINTS.iban, invoiceId });
  const customer = invoice.customer;
  if (payer.name && customer) {
    if (payer.name.full === customer.full) {
      signals.push({ kind: 'PAYER_NAME', points: PAYER_POINTS.nameFull, invoiceId });
    } else if (payer.name.core === customer.core) {
      // "DATA SUD" for "Data Sud SAS" is the same firm; "… SA" for "… SAS" may be a sister company.
      const bothHaveForms = payer.name.hasLegalForm && customer.hasLegalForm;
      const points = bothHaveForms ? PAYER_POINTS.nameLegalFormDiffers : PAYER_POINTS.nameCore;
      signals.push({ kind: 'PAYER_NAME', points, invoiceId, detail: 'legal form differs or is missing' });
    } else if (nameSimilarity(payer.name.core, customer.core) >= SIMILAR_NAME) {
      signals.push({ kind: 'PAYER_NAME_SIMILAR', points: PAYER_POINTS.nameSimilar, invoiceId });
    }
  }
  if (customer && payer.confirmedCores.has(customer.core)) {
    signals.push({ kind: 'PAYER_CONFIRMED', points: PAYER_POINTS.confirmed, invoiceId });
  }
  return signals;
}

/** Invoices whose customer may be `payer`, found through the indexes (bounded, never a scan of all invoices). */
export function invoicesOfPayer(index: InvoiceIndex, payer: Payer): number[] {
  const found = new Set<number>();
  const addAll = (list: readonly number[]): void => {
    if (list.length <= MAX_PAYER_SCAN) for (const invoice of list) found.add(invoice);
  };
  if (payer.iban) addAll(index.byPayerIban(payer.iban));
  for (const core of payer.confirmedCores) addAll(index.byCore(core));
  if (payer.name) {
    const exact = index.byCore(payer.name.core);
    addAll(exact);
    if (exact.length === 0) {
      const payerCore = payer.name.core;
      for (const core of index.coresSharingWord(payerCore)) {
        if (nameSimilarity(payerCore, core) >= SIMILAR_NAME) addAll(index.byCore(core));
      }
    }
  }
  return [...found];
}
