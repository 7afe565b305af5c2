/**
 * Who paid: the credit's counterparty compared with invoice customers, by IBAN, by name (as parties, see
 * party-name.ts), and by the owner's own history (payers confirmed for a customer, including third parties such as a
 * parent company or a factor).
 */
import { InvoiceIndex, MAX_PAYER_SCAN, normalizeIban, type IndexedInvoice } from './invoice-index';
import {
  compareNames,
  isSameParty,
  NAME_STRENGTH,
  nameTokens,
  normalizeName,
  type NameMatch,
  type NormalizedName,
} from './party-name';
import type { KnownPayer, Signal } from './types';

export const PAYER_POINTS = {
  iban: 3,
  nameSame: 2.5,
  /** A name written another way (legal form dropped, initials, cut): the same party, a notch below the same name. */
  nameVariant: 2.25,
  nameOtherForm: 1.5,
  nameSimilar: 1.5,
  confirmed: 4,
} as const;

/** How the payer was recognised as one the owner confirmed: by its IBAN, or by a name naming the same party. */
export type Recognition = 'IBAN' | NameMatch;

export interface Payer {
  iban: string | null;
  name: NormalizedName | null;
  /** Customers (by `NormalizedName.id`) the owner confirmed this payer pays for, and how it was recognised. */
  confirmed: Map<string, Recognition>;
  /** The customers of `confirmed` the history settles beyond doubt (see `settleDoubts`). */
  undoubted: Set<string>;
  /** The payer's name against each customer name met, by the customer's `full` name: compared once per credit. */
  names: Map<string, NameMatch>;
}

interface KnownName {
  name: NormalizedName;
  customers: Set<string>;
}

/** Known payer names sharing a word with more names than this are looked up by a rarer word. */
const MAX_NAMES_PER_WORD = 200;

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class PayerMemory {
  private readonly byIban = new Map<string, Set<string>>();
  private readonly byName = new Map<string, KnownName>();
  private readonly byKey = new Map<string, KnownName[]>();
  private readonly byWord = new Map<string, KnownName[]>();
  /** Payer name → the customers it is confirmed for by name, and how: worked out once per name in a run. */
  private readonly byPayerName = new Map<string, [string, NameMatch][]>();

  /** `index`: the run's invoices, whose customers the history's customer names are read as. */
  constructor(knownPayers: readonly KnownPayer[], index: InvoiceIndex) {
    for (const known of knownPayers) {
      const customerName = normalizeName(known.customerName);
      const customer = customerName && index.customerNamed(customerName);
      if (!customer) continue;
      const iban = normalizeIban(known.payerIban);
      if (iban) this.byIban.set(iban, (this.byIban.get(iban) ?? new Set<string>()).add(customer));
      const name = normalizeName(known.payerName);
      if (name) this.remember(name, customer);
    }
  }

  private remember(name: NormalizedName, customerId: string): void {
    const known = this.byName.get(name.full);
    if (known) {
      known.customers.add(customerId);
      return;
    }
    const entry = { name, customers: new Set([customerId]) };
    this.byName.set(name.full, entry);
    addTo(this.byKey, name.key, entry);
    for (const word of nameTokens(name)) addTo(this.byWord, word, entry);
  }

  /**
   * Known names that may be `name` written another way: those with its words, else those sharing its rarest word
   * (a cut name's last word is partial, so no single word is required).
   */
  private namesLike(name: NormalizedName): KnownName[] {
    const exact = this.byKey.get(name.key);
    if (exact) return exact;
    let rarest: KnownName[] | undefined;
    for (const word of nameTokens(name)) {
      const sharing = this.byWord.get(word);
      if (sharing && sharing.length <= MAX_NAMES_PER_WORD && (!rarest || sharing.length < rarest.length))
        rarest = sharing;
    }
    return rarest ?? [];
  }

  payer(counterpartyName: string | null | undefined, counterpartyIban: string | null | undefined): Payer {
    const iban = normalizeIban(counterpartyIban);
    const name = normalizeName(counterpartyName);
    const confirmed = new Map<string, Recognition>();
    for (const customer of iban ? (this.byIban.get(iban) ?? []) : []) confirmed.set(customer, 'IBAN');
    for (const [customer, match] of name ? this.customersOfName(name) : []) {
      const current = confirmed.get(customer);
      if (current === undefined || (current !== 'IBAN' && NAME_STRENGTH[match] > NAME_STRENGTH[current]))
        confirmed.set(customer, match);
    }
    return { iban, name, confirmed, undoubted: new Set(), names: new Map() };
  }

  private customersOfName(name: NormalizedName): [string, NameMatch][] {
    const known = this.byPayerName.get(name.full);
    if (known) return known;
    const customers: [string, NameMatch][] = [];
    for (const entry of this.namesLike(name)) {
      const match = compareNames(name, entry.name);
      if (isSameParty(match)) for (const customer of entry.customers) customers.push([customer, match]);
    }
    this.byPayerName.set(name.full, customers);
    return customers;
  }
}

/** How the payer's name compares with `customer`'s. */
export function nameMatchOf(payer: Payer, customer: NormalizedName): NameMatch {
  if (!payer.name) return 'NONE';
  let match = payer.names.get(customer.full);
  if (match === undefined) {
    match = compareNames(payer.name, customer);
    payer.names.set(customer.full, match);
  }
  return match;
}

const NAME_SIGNALS: Record<
  NameMatch,
  { kind: 'PAYER_NAME' | 'PAYER_NAME_SIMILAR'; points: number; detail?: string } | null
> = {
  SAME: { kind: 'PAYER_NAME', points: PAYER_POINTS.nameSame },
  FORM_DROPPED: { kind: 'PAYER_NAME', points: PAYER_POINTS.nameVariant, detail: 'legal form missing on one side' },
  INITIALS: { kind: 'PAYER_NAME', points: PAYER_POINTS.nameVariant, detail: 'first names as initials' },
  TRUNCATED: { kind: 'PAYER_NAME', points: PAYER_POINTS.nameVariant, detail: 'name cut by the bank' },
  // "… SA" for "… SAS" may be a sister company: some evidence, less than the same name.
  OTHER_FORM: { kind: 'PAYER_NAME', points: PAYER_POINTS.nameOtherForm, detail: 'legal form differs' },
  SIMILAR: { kind: 'PAYER_NAME_SIMILAR', points: PAYER_POINTS.nameSimilar },
  NONE: null,
};

/** The evidence that `payer` is `invoice`'s customer (empty when none). */
export function payerSignals(payer: Payer, invoice: IndexedInvoice): Signal[] {
  const signals: Signal[] = [];
  const invoiceId = invoice.invoice.id;
  if (payer.iban && payer.iban === invoice.iban)
    signals.push({ kind: 'PAYER_IBAN', points: PAYER_POINTS.iban, invoiceId });
  const customer = invoice.customer;
  if (!customer) return signals;
  const name = NAME_SIGNALS[nameMatchOf(payer, customer)];
  if (name) signals.push({ ...name, invoiceId });
  const recognised = payer.confirmed.get(customer.id);
  if (recognised && payer.undoubted.has(customer.id)) {
    const detail =
      recognised === 'IBAN'
        ? 'confirmed payer IBAN'
        : `confirmed payer name (${recognised.toLowerCase().replace('_', ' ')})`;
    signals.push({ kind: 'PAYER_CONFIRMED', points: PAYER_POINTS.confirmed, invoiceId, detail });
  }
  return signals;
}

function keyOfId(customerId: string): string {
  return customerId.slice(0, customerId.lastIndexOf('|'));
}

/** Invoices whose customer may be `payer`, found through the indexes (bounded, never a scan of all invoices). */
export function invoicesOfPayer(index: InvoiceIndex, payer: Payer): number[] {
  const found = new Set<number>();
  const addAll = (list: readonly number[], keep: (invoice: IndexedInvoice) => boolean = () => true): void => {
    if (list.length > MAX_PAYER_SCAN) return;
    for (const invoice of list) if (keep(index.invoices[invoice])) found.add(invoice);
  };
  if (payer.iban) addAll(index.byPayerIban(payer.iban));
  for (const customerId of payer.confirmed.keys())
    addAll(index.byKey(keyOfId(customerId)), (invoice) => invoice.customer?.id === customerId);
  if (payer.name) {
    const exact = index.byKey(payer.name.key);
    addAll(exact);
    if (exact.length === 0) {
      for (const key of index.keysLike(payer.name)) addAll(index.byKey(key));
    }
  }
  return [...found];
}

/**
 * Whether the owner's history settles who the payer of `customerId`'s invoices is, beyond doubt: the payer was
 * confirmed for this customer by IBAN; or by name, and nothing points to another customer: the IBAN is not another
 * customer's, and no other customer's name (on the payer's invoices or in the history) fits the payer's name as well.
 */
function beyondDoubt(
  index: InvoiceIndex,
  payer: Payer,
  customerId: string,
  payerInvoices: ReadonlySet<number>,
): boolean {
  const recognised = payer.confirmed.get(customerId);
  if (!recognised) return false;
  if (recognised === 'IBAN') return true;
  const strength = NAME_STRENGTH[recognised];
  for (const [other, how] of payer.confirmed) {
    if (other !== customerId && (how === 'IBAN' || NAME_STRENGTH[how] >= strength)) return false;
  }
  if (payer.iban && index.byPayerIban(payer.iban).some((other) => index.invoices[other].customer?.id !== customerId))
    return false;
  for (const other of payerInvoices) {
    const customer = index.invoices[other].customer;
    if (customer && customer.id !== customerId && NAME_STRENGTH[nameMatchOf(payer, customer)] >= strength) return false;
  }
  return true;
}

/** Fills `payer.undoubted` once its invoices are known. */
export function settleDoubts(index: InvoiceIndex, payer: Payer, payerInvoices: ReadonlySet<number>): void {
  for (const customerId of payer.confirmed.keys()) {
    if (beyondDoubt(index, payer, customerId, payerInvoices)) payer.undoubted.add(customerId);
  }
}
