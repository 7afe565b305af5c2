import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import type { SandboxBank, SandboxBankSlug } from './banks';
import { creditorReference, sandboxIban, sepaCreditorId } from './identifiers';
import { SeededRandom } from './random';

/**
 * Over 400 lines on purpose: the sandbox's whole seeded business year lives here, the tables of counterparties and one
 * small generator per kind of line, so that a reader sees every line a sandbox bank can serve in one file.
 */

/**
 * The sandbox banks' customers and the transactions their business accounts would see. Everything here is a pure
 * function of (seed, bank, PSU, day): two sandboxes with the same seed and clock serve the same data.
 */

export interface SandboxPsu {
  id: string;
  name: string;
  businessName: string;
  /** The PSU's second current account, used for card spending (only some PSUs have one). */
  hasOperationsAccount: boolean;
  employees: readonly string[];
  invoicePrefix: string;
  payoutProvider: { name: string; country: string; bankCode: string; referencePrefix: string };
}

export const SANDBOX_PSUS: readonly SandboxPsu[] = [
  {
    id: 'alice',
    name: 'Alice Martin',
    businessName: 'Atelier Lumière',
    hasOperationsAccount: true,
    employees: ['Jonas Weber', 'Camille Laurent', 'Sven de Boer'],
    invoicePrefix: 'INV',
    payoutProvider: {
      name: 'Stripe Payments Europe Ltd',
      country: 'DE',
      bankCode: '50010517',
      referencePrefix: 'STRIPE PAYOUT po_',
    },
  },
  {
    id: 'bob',
    name: 'Bob Janssen',
    businessName: "Bob's Bikes",
    hasOperationsAccount: false,
    employees: ['Lea Schmidt', 'Hugo Martin'],
    invoicePrefix: 'BB',
    payoutProvider: {
      name: 'SumUp Payments Ltd',
      country: 'DE',
      bankCode: '20041111',
      referencePrefix: 'SUMUP PAYOUT ',
    },
  },
];

/** Sandbox credentials, documented in the README: the same at every sandbox bank. */
export const SANDBOX_PASSWORD = 'sandbox';
export const SANDBOX_OTP = '123456';

export type SandboxAccountKind = 'main' | 'operations' | 'savings';

export interface SandboxAccount {
  resourceId: string;
  bankSlug: SandboxBankSlug;
  psuId: string;
  kind: SandboxAccountKind;
  iban: string;
  bic: string;
  currency: 'EUR';
  name: string;
  product: string;
  /** ISO 20022 ExternalCashAccountType1Code. */
  cashAccountType: 'CACC' | 'SVGS';
  ownerName: string;
  /** The balance at the start of the generated history. */
  openingBalance: Decimal;
}

/** One line on an account, with the instants that decide whether it is invisible, pending or booked at a given time. */
export interface LedgerEntry {
  /** The id once booked. */
  id: string;
  /** The id while pending, when the bank gives the pending line another id than the booked one (card authorisations). */
  pendingId?: string;
  accountResourceId: string;
  /** Signed: positive is a credit. */
  amount: Decimal;
  /** From this instant the line shows as pending (or booked, when equal to bookedAt). */
  initiatedAt: Date;
  bookedAt: Date;
  bookingDate: string;
  valueDate: string;
  counterpartyName?: string;
  counterpartyIban?: string;
  remittanceUnstructured?: string;
  /** ISO 11649 RF reference. */
  remittanceStructured?: string;
  endToEndId?: string;
  mandateId?: string;
  creditorId?: string;
  /** ISO 20022 bank transaction code, Domain-Family-SubFamily. */
  bankTransactionCode: string;
  merchantCategoryCode?: string;
  purposeCode?: string;
  /** What the sandbox meant the line to be, to measure a categoriser against; banks never serve it. */
  kind?: SandboxLineKind;
}

export type SandboxLineKind =
  | 'rent'
  | 'bank-fee'
  | 'own-transfer'
  | 'subscription'
  | 'telecom'
  | 'insurance'
  | 'energy'
  | 'customer-payment'
  | 'card-payout'
  | 'supplier-payment'
  | 'card-purchase'
  | 'salary'
  | 'tax'
  | 'social-charges'
  | 'interest';

const ACCOUNT_LAYOUT: Record<SandboxAccountKind, { product: string; type: 'CACC' | 'SVGS'; label: string }> = {
  main: { product: 'Business Current Account', type: 'CACC', label: 'Business account' },
  operations: { product: 'Business Current Account', type: 'CACC', label: 'Operations account' },
  savings: { product: 'Business Savings Account', type: 'SVGS', label: 'Business savings' },
};

function hashId(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 20);
}

/** The PSU's accounts at one bank. IBANs and resource ids do not depend on the seed, so they survive a re-seed. */
export function accountsFor(bank: SandboxBank, psu: SandboxPsu, seed: string): SandboxAccount[] {
  const kinds: SandboxAccountKind[] = psu.hasOperationsAccount
    ? ['main', 'operations', 'savings']
    : ['main', 'savings'];
  return kinds.map((kind, index) => {
    const numberSource = createHash('sha256').update(`${bank.slug}|${psu.id}|${kind}`).digest();
    const accountDigits = String(numberSource.readUInt32BE(0)).padStart(10, '0') + String(index);
    const rand = new SeededRandom(seed, bank.slug, psu.id, kind, 'opening');
    const opening =
      kind === 'savings'
        ? rand.amount(20_000, 60_000)
        : kind === 'main'
          ? rand.amount(15_000, 40_000)
          : rand.amount(2_000, 8_000);
    return {
      resourceId: hashId(bank.slug, psu.id, kind),
      bankSlug: bank.slug,
      psuId: psu.id,
      kind,
      iban: sandboxIban(bank.country, bank.bankCode, accountDigits.slice(-10)),
      bic: bank.bic,
      currency: 'EUR',
      name: `${psu.businessName} ${ACCOUNT_LAYOUT[kind].label}`,
      product: ACCOUNT_LAYOUT[kind].product,
      cashAccountType: ACCOUNT_LAYOUT[kind].type,
      ownerName: psu.businessName,
      openingBalance: opening,
    };
  });
}

interface Counterparty {
  name: string;
  iban: string;
}

function counterparty(name: string, country: string, bankCode: string, key: string): Counterparty {
  const digits = createHash('sha256').update(`${name}|${key}`).digest().readUInt32BE(0);
  return { name, iban: sandboxIban(country, bankCode, String(digits).padStart(10, '0')) };
}

const CUSTOMERS: readonly Counterparty[] = [
  'Müller Logistik GmbH',
  'Boulangerie Dupont SARL',
  'Van Dijk Consultancy B.V.',
  'Nordlicht Design GmbH',
  'Café Central KG',
  'Atelier Moreau',
  'Brouwerij De Hoek B.V.',
  'Studio Rossi S.r.l.',
  'Hansen & Partner mbB',
  'Lefèvre Architectes',
].map((name, i) =>
  i % 3 === 1
    ? counterparty(name, 'FR', '20041', 'customer')
    : i % 3 === 2
      ? counterparty(name, 'NL', 'RABO', 'customer')
      : counterparty(name, 'DE', '37040044', 'customer'),
);

const SUPPLIERS: readonly Counterparty[] = [
  'Papier & Co GmbH',
  'Holzwerk Schneider',
  'Imprimerie Lambert',
  'De Vries Verpakkingen B.V.',
  'Kurierdienst Blitz GmbH',
].map((name, i) =>
  i % 2 === 0 ? counterparty(name, 'DE', '10050000', 'supplier') : counterparty(name, 'FR', '30004', 'supplier'),
);

interface Merchant {
  name: string;
  city: string;
  /** ISO 18245 merchant category code. */
  mcc: string;
  min: number;
  max: number;
}

const MERCHANTS: readonly Merchant[] = [
  { name: 'REWE Markt', city: 'Berlin', mcc: '5411', min: 8, max: 95 },
  { name: 'Deutsche Bahn', city: 'Berlin', mcc: '4112', min: 19, max: 180 },
  { name: 'Lufthansa', city: 'Frankfurt', mcc: '4511', min: 89, max: 640 },
  { name: 'Shell Station', city: 'Hamburg', mcc: '5541', min: 35, max: 110 },
  { name: 'Le Petit Zinc', city: 'Paris', mcc: '5812', min: 18, max: 160 },
  { name: 'Uber BV', city: 'Amsterdam', mcc: '4121', min: 9, max: 65 },
  { name: 'Adobe Systems', city: 'Dublin', mcc: '5734', min: 24, max: 72 },
  { name: 'Office Depot', city: 'Köln', mcc: '5943', min: 12, max: 240 },
  { name: 'Hotel Ibis', city: 'Lyon', mcc: '7011', min: 79, max: 260 },
  { name: 'Café Kranzler', city: 'Berlin', mcc: '5814', min: 4, max: 28 },
];

interface DirectDebitCreditor {
  name: string;
  nationalId: string;
  dayOfMonth: number;
  min: number;
  max: number;
  label: string;
  kind: SandboxLineKind;
}

const DIRECT_DEBITS: readonly DirectDebitCreditor[] = [
  {
    name: 'Google Cloud EMEA Ltd',
    nationalId: '00000482915',
    dayOfMonth: 2,
    min: 20,
    max: 140,
    label: 'Google Workspace',
    kind: 'subscription',
  },
  {
    name: 'Telekom Deutschland GmbH',
    nationalId: '00000012345',
    dayOfMonth: 3,
    min: 49,
    max: 89,
    label: 'Mobilfunk Rechnung',
    kind: 'telecom',
  },
  {
    name: 'Allianz Versicherungs-AG',
    nationalId: '00000098765',
    dayOfMonth: 5,
    min: 120,
    max: 180,
    label: 'Betriebshaftpflicht',
    kind: 'insurance',
  },
  {
    name: 'Vattenfall Europe Sales GmbH',
    nationalId: '00000055501',
    dayOfMonth: 12,
    min: 90,
    max: 260,
    label: 'Strom Abschlag',
    kind: 'energy',
  },
  {
    name: 'DATEV eG',
    nationalId: '00000033317',
    dayOfMonth: 20,
    min: 59,
    max: 119,
    label: 'Buchhaltung Software',
    kind: 'subscription',
  },
];

interface Authorities {
  tax: Counterparty;
  taxLabel: string;
  social: Counterparty;
  socialLabel: string;
  landlord: Counterparty;
}

function authoritiesFor(country: string): Authorities {
  switch (country) {
    case 'FR':
      return {
        tax: counterparty('DGFIP SIE Paris 11e', 'FR', '30001', 'tax'),
        taxLabel: 'TVA',
        social: counterparty('URSSAF Ile-de-France', 'FR', '30001', 'social'),
        socialLabel: 'Cotisations sociales',
        landlord: counterparty('SCI Bastille Bureaux', 'FR', '30066', 'rent'),
      };
    case 'NL':
      return {
        tax: counterparty('Belastingdienst', 'NL', 'INGB', 'tax'),
        taxLabel: 'Omzetbelasting',
        social: counterparty('UWV', 'NL', 'INGB', 'social'),
        socialLabel: 'Premies werknemersverzekeringen',
        landlord: counterparty('Vastgoed Amstel B.V.', 'NL', 'ABNA', 'rent'),
      };
    default:
      return {
        tax: counterparty('Finanzamt für Körperschaften Berlin', 'DE', '10050000', 'tax'),
        taxLabel: 'USt-Voranmeldung',
        social: counterparty('AOK Nordost', 'DE', '10050000', 'social'),
        socialLabel: 'Sozialversicherungsbeiträge',
        landlord: counterparty('Kreuzberg Gewerbehof GmbH', 'DE', '10070000', 'rent'),
      };
  }
}

export const DAY_MS = 86_400_000;

export function isoDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function at(day: Date, hours: number, minutes: number): Date {
  return new Date(day.getTime() + (hours * 60 + minutes) * 60_000);
}

function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/** The next business day on or after `day` (SEPA books on TARGET2 days; weekends are the only closing days here). */
function businessDayFrom(day: Date): Date {
  let d = day;
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d = addDays(d, 1);
  return d;
}

const MONTHS = (day: Date): string => `${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
type EntryFields = Omit<
  LedgerEntry,
  'id' | 'accountResourceId' | 'amount' | 'initiatedAt' | 'bookedAt' | 'bookingDate' | 'valueDate'
>;

/** One PSU's day at one bank, as each kind of line below reads it: the random draws are made in one fixed order. */
interface SeedDay {
  seed: string;
  bank: SandboxBank;
  psu: SandboxPsu;
  day: Date;
  date: string;
  dayOfMonth: number;
  weekday: number;
  rand: SeededRandom;
  main: SandboxAccount;
  savings: SandboxAccount;
  cardAccount: SandboxAccount;
  authorities: ReturnType<typeof authoritiesFor>;
  out: LedgerEntry[];
  nextId(): string;
  /** Adds a line booked the instant it is made. */
  booked(account: SandboxAccount, amount: Decimal, when: Date, fields: EntryFields): LedgerEntry;
}

/**
 * The lines a PSU's accounts at one bank receive on one calendar day (UTC midnight). Lines ordered on this day may
 * book later (card authorisations book one or two days after); salaries are ordered the evening before they book.
 * The kinds of line are drawn in a fixed order from one seeded generator, so the same seed gives the same day.
 */
export function entriesForDay(
  seed: string,
  bank: SandboxBank,
  psu: SandboxPsu,
  accounts: readonly SandboxAccount[],
  day: Date,
): LedgerEntry[] {
  const d = seedDay(seed, bank, psu, accounts, day);
  if (!d) return [];
  monthStart(d);
  directDebits(d);
  if (d.weekday !== 0 && d.weekday !== 6) {
    customerTransfers(d);
    payout(d);
    supplierPayment(d);
  }
  cardPayments(d);
  salaries(d);
  vatReturn(d);
  socialContributions(d);
  savingsTransfer(d);
  quarterlyInterest(d);
  return d.out;
}

function seedDay(
  seed: string,
  bank: SandboxBank,
  psu: SandboxPsu,
  accounts: readonly SandboxAccount[],
  day: Date,
): SeedDay | undefined {
  const rand = new SeededRandom(seed, bank.slug, psu.id, isoDate(day));
  const main = accounts.find((a) => a.kind === 'main');
  const savings = accounts.find((a) => a.kind === 'savings');
  const cardAccount = accounts.find((a) => a.kind === 'operations') ?? main;
  if (!main || !savings || !cardAccount) return undefined;
  const date = isoDate(day);
  const out: LedgerEntry[] = [];
  let seq = 0;
  const nextId = (): string => hashId(seed, bank.slug, psu.id, date, seq++);
  const booked = (account: SandboxAccount, amount: Decimal, when: Date, fields: EntryFields): LedgerEntry => {
    const entry: LedgerEntry = {
      id: nextId(),
      accountResourceId: account.resourceId,
      amount,
      initiatedAt: when,
      bookedAt: when,
      bookingDate: isoDate(when),
      valueDate: isoDate(when),
      ...fields,
    };
    out.push(entry);
    return entry;
  };
  const authorities = authoritiesFor(bank.country);
  return {
    seed,
    bank,
    psu,
    day,
    date,
    dayOfMonth: day.getUTCDate(),
    weekday: day.getUTCDay(),
    rand,
    main,
    savings,
    cardAccount,
    authorities,
    out,
    nextId,
    booked,
  };
}

/** Rent, the account fee and, with an operations account, its monthly top-up: on the 1st. */
function monthStart(d: SeedDay): void {
  const { dayOfMonth, main, cardAccount, authorities, day, date, psu, rand, booked } = d;
  if (dayOfMonth === 1) {
    booked(main, new Decimal('-1850.00'), at(day, 6, 0), {
      counterpartyName: authorities.landlord.name,
      counterpartyIban: authorities.landlord.iban,
      remittanceUnstructured: `Miete / Rent ${MONTHS(day)} Gewerbeeinheit 3`,
      bankTransactionCode: 'PMNT-ICDT-STDO',
      purposeCode: 'RENT',
      kind: 'rent',
    });
    booked(main, new Decimal(psu.hasOperationsAccount ? '-14.90' : '-9.90'), at(day, 5, 0), {
      remittanceUnstructured: `Account maintenance fee ${MONTHS(day)}`,
      bankTransactionCode: 'ACMT-MDOP-CHRG',
      kind: 'bank-fee',
    });
    if (psu.hasOperationsAccount && cardAccount !== main) {
      const topUp = rand.amount(1_500, 3_000);
      const e2e = `TOPUP-${date}`;
      booked(main, topUp.negated(), at(day, 7, 0), {
        counterpartyName: psu.businessName,
        counterpartyIban: cardAccount.iban,
        remittanceUnstructured: 'Top-up operations account',
        endToEndId: e2e,
        bankTransactionCode: 'PMNT-ICDT-BOOK',
        kind: 'own-transfer',
      });
      booked(cardAccount, topUp, at(day, 7, 0), {
        counterpartyName: psu.businessName,
        counterpartyIban: main.iban,
        remittanceUnstructured: 'Top-up operations account',
        endToEndId: e2e,
        bankTransactionCode: 'PMNT-RCDT-BOOK',
        kind: 'own-transfer',
      });
    }
  }
}

/** SEPA direct debits of the recurring creditors, each on its day of the month. */
function directDebits(d: SeedDay): void {
  const { dayOfMonth, main, day, date, psu, rand, booked } = d;
  for (const creditor of DIRECT_DEBITS) {
    if (creditor.dayOfMonth !== dayOfMonth) continue;
    const mandateId = `MNDT-${psu.id.toUpperCase()}-${creditor.nationalId.slice(-5)}`;
    booked(main, rand.amount(creditor.min, creditor.max).negated(), at(day, 4, 30), {
      counterpartyName: creditor.name,
      counterpartyIban: counterparty(creditor.name, 'DE', '70020270', 'dd').iban,
      remittanceUnstructured: `${creditor.label} ${MONTHS(day)}`,
      mandateId,
      creditorId: sepaCreditorId('DE', creditor.nationalId),
      endToEndId: `${creditor.nationalId.slice(-5)}-${date.replace(/-/g, '')}`,
      bankTransactionCode: 'PMNT-RDDT-ESDD',
      kind: creditor.kind,
    });
  }
}

/** Customers paying invoices by transfer, some with a structured (RF) reference. */
function customerTransfers(d: SeedDay): void {
  const { main, day, psu, rand, booked } = d;
  const customerTransfers = rand.int(0, 3);
  for (let i = 0; i < customerTransfers; i += 1) {
    if (!rand.chance(60)) continue;
    const customer = rand.pick(CUSTOMERS);
    const invoiceNumber = `${psu.invoicePrefix}-${day.getUTCFullYear()}-${String(rand.int(1000, 9999))}`;
    const structured = rand.chance(30);
    booked(main, rand.amount(180, 2_400), at(day, rand.int(8, 16), rand.int(0, 59)), {
      counterpartyName: customer.name,
      counterpartyIban: customer.iban,
      ...(structured
        ? { remittanceStructured: creditorReference(invoiceNumber.replace(/-/g, '')) }
        : {
            remittanceUnstructured: rand.chance(50) ? `Invoice ${invoiceNumber}` : `${invoiceNumber} ${customer.name}`,
          }),
      endToEndId: rand.chance(70) ? `E2E${rand.digits(12)}` : 'NOTPROVIDED',
      bankTransactionCode: 'PMNT-RCDT-ESCT',
      kind: 'customer-payment',
    });
  }
}

/** The card processor's payout: every business day, or twice a week for Stripe. */
function payout(d: SeedDay): void {
  const { main, day, weekday, psu, rand, booked } = d;
  const payoutDay = psu.payoutProvider.referencePrefix.startsWith('STRIPE') ? weekday === 2 || weekday === 5 : true;
  if (payoutDay) {
    const provider = counterparty(
      psu.payoutProvider.name,
      psu.payoutProvider.country,
      psu.payoutProvider.bankCode,
      'payout',
    );
    booked(main, psu.id === 'alice' ? rand.amount(300, 2_500) : rand.amount(80, 900), at(day, 10, rand.int(0, 59)), {
      counterpartyName: provider.name,
      counterpartyIban: provider.iban,
      remittanceUnstructured: `${psu.payoutProvider.referencePrefix}${rand.letters(4)}${rand.digits(10)}`,
      endToEndId: `PO${rand.digits(14)}`,
      bankTransactionCode: 'PMNT-RCDT-ESCT',
      kind: 'card-payout',
    });
  }
}

/** Now and then a supplier paid by transfer, booked the next business day. */
function supplierPayment(d: SeedDay): void {
  const { main, day, rand, out, nextId } = d;
  if (rand.chance(25)) {
    const supplier = rand.pick(SUPPLIERS);
    const orderedAt = at(day, rand.int(9, 15), rand.int(0, 59));
    const bookDay = businessDayFrom(addDays(day, 1));
    out.push({
      id: nextId(),
      accountResourceId: main.resourceId,
      amount: rand.amount(150, 3_200).negated(),
      initiatedAt: orderedAt,
      bookedAt: at(bookDay, 6, 0),
      bookingDate: isoDate(bookDay),
      valueDate: isoDate(bookDay),
      counterpartyName: supplier.name,
      counterpartyIban: supplier.iban,
      remittanceUnstructured: `Rechnung R-${day.getUTCFullYear()}-${rand.digits(4)}`,
      endToEndId: `PAY${rand.digits(12)}`,
      bankTransactionCode: 'PMNT-ICDT-ESCT',
      kind: 'supplier-payment',
    });
  }
}

/** Card payments: pending from the authorisation, booked one or two days later. */
function cardPayments(d: SeedDay): void {
  const { main, cardAccount, day, date, psu, rand, out, nextId } = d;
  const cardPayments = rand.int(1, 3);
  for (let i = 0; i < cardPayments; i += 1) {
    const merchant = rand.pick(MERCHANTS);
    const authorisedAt = at(day, rand.int(7, 21), rand.int(0, 59));
    const bookDay = addDays(day, rand.int(1, 2));
    const id = nextId();
    out.push({
      id,
      // Real card schemes: the authorisation and the clearing line often carry different ids.
      ...(rand.chance(50) ? { pendingId: `AUTH${id.slice(0, 12).toUpperCase()}` } : {}),
      accountResourceId: (rand.chance(80) ? cardAccount : main).resourceId,
      amount: rand.amount(merchant.min, merchant.max).negated(),
      initiatedAt: authorisedAt,
      bookedAt: at(bookDay, 6, 0),
      bookingDate: isoDate(bookDay),
      valueDate: date,
      counterpartyName: merchant.name,
      remittanceUnstructured: `CARD ****${psu.id === 'alice' ? '4242' : '1881'} ${merchant.name.toUpperCase()} ${merchant.city.toUpperCase()}`,
      merchantCategoryCode: merchant.mcc,
      bankTransactionCode: 'PMNT-CCRD-POSD',
      kind: 'card-purchase',
    });
  }
}

/** Salaries are ordered the evening before the 27th and book on the 27th, keeping their id. */
function salaries(d: SeedDay): void {
  const { dayOfMonth, main, day, date, seed, bank, psu, out, nextId } = d;
  if (dayOfMonth === 27) {
    psu.employees.forEach((employee, index) => {
      const payee = counterparty(employee, 'DE', '12030000', 'employee');
      const base = new SeededRandom(seed, bank.slug, psu.id, employee, 'salary').amount(2_400, 4_100);
      out.push({
        id: nextId(),
        accountResourceId: main.resourceId,
        amount: base.negated(),
        initiatedAt: at(addDays(day, -1), 17, index),
        bookedAt: at(day, 6, 0),
        bookingDate: date,
        valueDate: date,
        counterpartyName: employee,
        counterpartyIban: payee.iban,
        remittanceUnstructured: `Salary ${MONTHS(day)}`,
        endToEndId: `SAL-${date.slice(0, 7)}-${index + 1}`,
        bankTransactionCode: 'PMNT-ICDT-ESCT',
        purposeCode: 'SALA',
        kind: 'salary',
      });
    });
  }
}

/** The VAT return of the previous month, on the 10th. */
function vatReturn(d: SeedDay): void {
  const { dayOfMonth, main, authorities, day, psu, rand, booked } = d;
  if (dayOfMonth === 10) {
    const period = MONTHS(addDays(day, -15));
    booked(main, rand.amount(800, 3_600).negated(), at(day, 6, 15), {
      counterpartyName: authorities.tax.name,
      counterpartyIban: authorities.tax.iban,
      remittanceStructured: creditorReference(`VAT${period.replace('/', '')}${psu.id.toUpperCase()}`),
      remittanceUnstructured: `${authorities.taxLabel} ${period}`,
      bankTransactionCode: 'PMNT-ICDT-ESCT',
      purposeCode: 'TAXS',
      kind: 'tax',
    });
  }
}

/** Social contributions on the 15th, and corporate tax prepayments in the last month of each quarter. */
function socialContributions(d: SeedDay): void {
  const { dayOfMonth, main, authorities, day, bank, psu, rand, booked } = d;
  if (dayOfMonth === 15) {
    booked(main, rand.amount(1_200, 3_400).negated(), at(day, 6, 30), {
      counterpartyName: authorities.social.name,
      counterpartyIban: authorities.social.iban,
      remittanceUnstructured: `${authorities.socialLabel} ${MONTHS(day)}`,
      bankTransactionCode: 'PMNT-RDDT-ESDD',
      mandateId: `SOC-${psu.id.toUpperCase()}-01`,
      creditorId: sepaCreditorId(bank.country === 'FR' ? 'FR' : 'DE', '00000777001'),
      kind: 'social-charges',
    });
    if ([2, 5, 8, 11].includes(day.getUTCMonth())) {
      booked(main, rand.amount(2_000, 6_000).negated(), at(day, 6, 45), {
        counterpartyName: authorities.tax.name,
        counterpartyIban: authorities.tax.iban,
        remittanceUnstructured: `Corporate income tax prepayment Q${Math.floor(day.getUTCMonth() / 3) + 1}/${day.getUTCFullYear()}`,
        bankTransactionCode: 'PMNT-ICDT-ESCT',
        purposeCode: 'TAXS',
        kind: 'tax',
      });
    }
  }
}

/** The monthly transfer from the main account to savings, on the 28th. */
function savingsTransfer(d: SeedDay): void {
  const { dayOfMonth, main, savings, day, date, psu, rand, booked } = d;
  if (dayOfMonth === 28) {
    const amount = rand.amount(500, 1_500);
    const e2e = `SAVE-${date}`;
    booked(main, amount.negated(), at(day, 8, 0), {
      counterpartyName: psu.businessName,
      counterpartyIban: savings.iban,
      remittanceUnstructured: 'Monthly transfer to savings',
      endToEndId: e2e,
      bankTransactionCode: 'PMNT-ICDT-BOOK',
      kind: 'own-transfer',
    });
    booked(savings, amount, at(day, 8, 0), {
      counterpartyName: psu.businessName,
      counterpartyIban: main.iban,
      remittanceUnstructured: 'Monthly transfer to savings',
      endToEndId: e2e,
      bankTransactionCode: 'PMNT-RCDT-BOOK',
      kind: 'own-transfer',
    });
  }
}

/** Interest is credited on the last day of each quarter. */
function quarterlyInterest(d: SeedDay): void {
  const { savings, day, rand, booked } = d;
  if (addDays(day, 1).getUTCDate() === 1 && [2, 5, 8, 11].includes(day.getUTCMonth())) {
    booked(savings, rand.amount(3, 45), at(day, 23, 0), {
      remittanceUnstructured: `Interest Q${Math.floor(day.getUTCMonth() / 3) + 1}/${day.getUTCFullYear()}`,
      bankTransactionCode: 'ACMT-MCOP-INTR',
      kind: 'interest',
    });
  }
}
