/**
 * Lookup structures over the open invoices, built once per run, so that each credit costs a handful of map lookups
 * (by reference key, by the digits of the invoice number, by amount, by payer) instead of a scan of every invoice.
 */
import { electronicFormatIBAN } from 'ibantools';
import { dayNumber } from './calendar';
import { toCents } from './money';
import { compareNames, normalizeName, nameTokens, type NormalizedName } from './party-name';
import { compactReference, structuredKey, type StructuredKind } from './structured-reference';
import { digitRuns, foldLookAlikes, stripLeadingZeros } from './reference-text';
import type { OpenInvoice } from './types';

export interface IndexedInvoice {
  index: number;
  invoice: OpenInvoice;
  amount: bigint;
  /** Open amount before this run. */
  initialRemaining: bigint;
  numberCompact: string;
  numberFolded: string;
  /** The last digit run of the folded number, zeros kept ("000356"). */
  numberDigits: string;
  structured: { kind: StructuredKind; key: string } | null;
  customer: NormalizedName | null;
  iban: string | null;
  issueDay: number;
  dueDay: number;
}

/**
 * Bound on the invoices one lookup may enumerate: a customer with more open invoices (or an amount shared by more)
 * is not scanned, and the reference or the intersection with the payer's invoices decides instead.
 */
export const MAX_PAYER_SCAN = 200;
/** Name words shared by more customers than this are too common to find a customer by. */
const MAX_CORES_PER_TOKEN = 200;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function normalizeIban(raw: string | null | undefined): string | null {
  return raw ? electronicFormatIBAN(raw) || null : null;
}

export class InvoiceIndex {
  readonly invoices: IndexedInvoice[];
  private readonly byNumber = new Map<string, number[]>();
  private readonly byNumberDigits = new Map<string, number[]>();
  private readonly byStructured = new Map<string, number[]>();
  private readonly byIban = new Map<string, number[]>();
  private readonly byCustomerKey = new Map<string, number[]>();
  /** Distinctive word → one customer name per key having it. */
  private readonly customersByToken = new Map<string, Map<string, NormalizedName>>();
  private readonly keysLikeName = new Map<string, string[]>();
  /** Name key → the customers (`NormalizedName.id`) with invoices under it. */
  private readonly customerIdsByKey = new Map<string, Set<string>>();

  constructor(invoices: OpenInvoice[]) {
    this.invoices = invoices.map((invoice, index) => this.indexOne(invoice, index));
  }

  private indexOne(invoice: OpenInvoice, index: number): IndexedInvoice {
    const amount = toCents(invoice.amount);
    const numberCompact = compactReference(invoice.number);
    const numberFolded = foldLookAlikes(numberCompact);
    const runs = digitRuns(numberFolded);
    const numberDigits = runs.length > 0 ? runs[runs.length - 1] : '';
    const customer = normalizeName(invoice.customerName);
    const iban = normalizeIban(invoice.customerIban);
    const structured = invoice.structuredReference ? structuredKey(invoice.structuredReference) : null;
    const indexed: IndexedInvoice = {
      index,
      invoice,
      amount,
      initialRemaining: amount - (invoice.amountPaid ? toCents(invoice.amountPaid) : 0n),
      numberCompact,
      numberFolded,
      numberDigits,
      structured,
      customer,
      iban,
      issueDay: dayNumber(invoice.issueDate),
      dueDay: dayNumber(invoice.dueDate),
    };
    if (numberFolded) push(this.byNumber, numberFolded, index);
    if (numberDigits) {
      push(this.byNumberDigits, stripLeadingZeros(numberDigits), index);
    }
    if (structured) push(this.byStructured, structured.key, index);
    if (iban) push(this.byIban, iban, index);
    if (customer) {
      if (!this.byCustomerKey.has(customer.key)) {
        for (const token of nameTokens(customer)) {
          const customers = this.customersByToken.get(token) ?? new Map<string, NormalizedName>();
          customers.set(customer.key, customer);
          this.customersByToken.set(token, customers);
        }
      }
      push(this.byCustomerKey, customer.key, index);
      this.customerIdsByKey.set(
        customer.key,
        (this.customerIdsByKey.get(customer.key) ?? new Set<string>()).add(customer.id),
      );
    }
    return indexed;
  }

  byNumberKey(folded: string): readonly number[] {
    return this.byNumber.get(folded) ?? [];
  }

  byDigits(digits: string): readonly number[] {
    return this.byNumberDigits.get(stripLeadingZeros(digits)) ?? [];
  }

  byStructuredKey(key: string): readonly number[] {
    return this.byStructured.get(key) ?? [];
  }

  byPayerIban(iban: string): readonly number[] {
    return this.byIban.get(iban) ?? [];
  }

  /**
   * The invoices' customer that `name` stands for: the one with that name; else, when the name lacks its legal form
   * or has one the invoices leave out, the one customer whose name differs only so. Null when none or several.
   */
  customerNamed(name: NormalizedName): string | null {
    const ids = this.customerIdsByKey.get(name.key);
    if (!ids) return null;
    if (ids.has(name.id)) return name.id;
    const compatible = [...ids].filter((id) => name.forms === '' || id.endsWith('|'));
    return compatible.length === 1 ? compatible[0] : null;
  }

  /** Invoices of customers whose name has these words, whatever their order and legal form. */
  byKey(key: string): readonly number[] {
    return this.byCustomerKey.get(key) ?? [];
  }

  /**
   * Keys of customers whose name `name` may be written another way (cut, initials, a typo): among those sharing a
   * distinctive word with it. Asked once per payer name in a run, however many credits carry it.
   */
  keysLike(name: NormalizedName): readonly string[] {
    const known = this.keysLikeName.get(name.full);
    if (known) return known;
    const customers = new Map<string, NormalizedName>();
    for (const token of nameTokens(name)) {
      const sharing = this.customersByToken.get(token);
      if (sharing && sharing.size <= MAX_CORES_PER_TOKEN)
        for (const [key, customer] of sharing) customers.set(key, customer);
    }
    const keys = [...customers.values()]
      .filter((customer) => compareNames(name, customer) !== 'NONE')
      .map((customer) => customer.key);
    this.keysLikeName.set(name.full, keys);
    return keys;
  }
}
