/**
 * Deterministic synthetic ledgers for the reconciliation benchmark: open invoices, and a bank feed mixing payments
 * of every case family (referenced, damaged, unreferenced, grouped, instalments, third parties, card payouts) with
 * the debits and unrelated credits that make up most of a real feed, and the owner's memory of payers confirmed last
 * month, with payer names written the ways banks write them. The truth is kept, so the benchmark also reports
 * quality at scale.
 */
import { makeRf } from '../../src/modules/reconciliation/engine/structured-reference';
import type {
  BankCredit,
  KnownPayer,
  OpenInvoice,
  PayoutReport,
  ReconciliationInput,
} from '../../src/modules/reconciliation/engine/types';

export interface SyntheticSet {
  input: ReconciliationInput;
  truth: { transactionId: string; invoiceIds: string[]; category: string }[];
}

/** mulberry32: a tiny seeded PRNG, so every run of the benchmark sees the same data. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRADES = [
  'Boulangerie',
  'Garage',
  'Atelier',
  'Cabinet',
  'Studio',
  'Pharmacie',
  'Librairie',
  'Menuiserie',
  'Transports',
  'Imprimerie',
  'Fromagerie',
  'Optique',
  'Brasserie',
  'Clinique',
  'Agence',
  'Laboratoire',
  'Hôtel',
  'Plomberie',
  'Électricité',
  'Cave',
  'Boutique',
  'Société',
  'Groupe',
  'Maison',
  'Ferme',
  'Domaine',
  'Institut',
  'Bureau',
  'Comptoir',
  'Entreprise',
];
const NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Lefebvre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Legrand',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guerin',
  'Muller',
  'Henry',
  'Roussel',
  'Nicolas',
  'Perrin',
  'Morin',
  'Mathieu',
  'Clement',
  'Gauthier',
  'Dumont',
  'Lopez',
  'Fontaine',
  'Chevalier',
  'Robin',
  'Masson',
  'Sanchez',
  'Gerard',
  'Nguyen',
  'Boyer',
  'Denis',
  'Lemaire',
  'Duval',
  'Joly',
  'Gautier',
];
const FORMS = ['SA', 'SAS', 'SASU', 'SARL', 'EURL', ''];
const STRANGERS = [
  'LOYER SCI LES PINS',
  'ASSURANCE AXA',
  'CAF',
  'REMBOURSEMENT AMELI',
  'VIREMENT INTERNE',
  'PRET BANCAIRE',
];
const THIRD_PARTIES = ['GROUPE HOLDING SA', 'EULER HERMES', 'BPIFRANCE FACTORING'];

function isoDay(day: number): string {
  return new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
}

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function syntheticSet(transactions: number, invoices: number, seed = 42): SyntheticSet {
  const random = prng(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
  const iban = (): string => `FR76${Array.from({ length: 23 }, () => int(0, 9)).join('')}`;

  const customerCount = Math.max(100, Math.floor(invoices / 20));
  const customers = Array.from({ length: customerCount }, (_, i) => {
    const form = FORMS[i % FORMS.length];
    const base = `${TRADES[i % TRADES.length]} ${NAMES[Math.floor(i / TRADES.length) % NAMES.length]}`;
    const suffix =
      i >= TRADES.length * NAMES.length
        ? ` ${NAMES[Math.floor(i / (TRADES.length * NAMES.length)) % NAMES.length]}`
        : '';
    return { name: `${base}${suffix}${form ? ` ${form}` : ''}`, form, iban: iban() };
  });
  // Last month's work: most customers' payers were confirmed, by the name and IBAN their bank printed.
  const knownPayers: KnownPayer[] = customers
    .filter(() => random() < 0.7)
    .map((customer) => ({
      payerName: customer.name.toUpperCase(),
      payerIban: customer.iban,
      customerName: customer.name,
    }));

  const openInvoices: OpenInvoice[] = Array.from({ length: invoices }, (_, i) => {
    const customer = pick(customers);
    const issue = int(0, 300);
    const number = `INV-${String(i + 1).padStart(7, '0')}`;
    return {
      id: `I${i + 1}`,
      number,
      customerName: customer.name,
      customerIban: random() < 0.6 ? customer.iban : null,
      amount: money(int(2000, 300000)),
      currency: 'EUR',
      issueDate: isoDay(issue),
      dueDate: isoDay(issue + 30),
      structuredReference: random() < 0.2 ? makeRf(number.replace('-', '')) : null,
    };
  });
  const customerByName = new Map(customers.map((customer) => [customer.name, customer]));
  const customerOf = new Map(openInvoices.map((invoice) => [invoice.id, customerByName.get(invoice.customerName)]));
  const credits: BankCredit[] = [];
  const payouts: PayoutReport[] = [];
  const truth: SyntheticSet['truth'] = [];
  let nextInvoice = 0;
  const take = (): OpenInvoice | undefined => openInvoices[nextInvoice++];
  const cents = (amount: string): number => Math.round(Number(amount.replace('.', '')));

  /** The payer's name as its bank prints it: mostly as invoiced, else the legal form moved, or cut at 18 characters. */
  const bankName = (name: string, form: string): string => {
    const roll = random();
    if (roll < 0.1 && form) return `${form} ${name.slice(0, -form.length - 1)}`.toUpperCase();
    if (roll < 0.2) return name.toUpperCase().slice(0, 18);
    return name.toUpperCase();
  };
  const payerOf = (invoice: OpenInvoice): { counterpartyName: string; counterpartyIban: string } => {
    const customer = customerOf.get(invoice.id);
    return {
      counterpartyName: bankName(invoice.customerName, customer?.form ?? ''),
      counterpartyIban: customer ? customer.iban : iban(),
    };
  };
  const damage = (number: string): string => {
    const roll = random();
    if (roll < 0.1) return number.toLowerCase();
    if (roll < 0.2) return number.replace('-', '');
    if (roll < 0.25) return number.replace('-0', '-O');
    return number;
  };
  const push = (
    credit: Omit<BankCredit, 'id' | 'currency' | 'status'>,
    invoiceIds: string[],
    category: string,
  ): void => {
    const id = `T${credits.length + 1}`;
    credits.push({ id, currency: 'EUR', status: 'BOOKED', ...credit });
    if (invoiceIds.length > 0) truth.push({ transactionId: id, invoiceIds, category });
  };

  // Roughly 70% of invoices get paid during the period; the rest of the feed is debits and unrelated credits.
  const paidTarget = Math.floor(invoices * 0.7);
  while (credits.length < transactions) {
    const roll = random();
    const paying = nextInvoice < paidTarget && roll < 0.6;
    if (!paying) {
      const debit = random() < 0.6;
      push(
        {
          amount: debit ? `-${money(int(100, 200000))}` : money(int(2000, 300000)),
          bookingDate: isoDay(int(0, 364)),
          counterpartyName: pick(STRANGERS),
          counterpartyIban: iban(),
          remittanceUnstructured: debit
            ? `PRLV SEPA ECH/${isoDay(int(0, 364))}`
            : pick(['LOYER', 'REMBOURSEMENT', 'INDEMNITE']),
          endToEndId: 'NOTPROVIDED',
        },
        [],
        '',
      );
      continue;
    }
    const invoice = take();
    if (!invoice) continue;
    const day = Math.min(
      364,
      Number(invoice.issueDate.slice(8, 10)) +
        int(0, 60) +
        (Date.parse(invoice.issueDate) - Date.UTC(2026, 0, 1)) / 86_400_000,
    );
    const kind = random();
    if (kind < 0.55) {
      push(
        {
          amount: invoice.amount,
          bookingDate: isoDay(day),
          ...payerOf(invoice),
          remittanceUnstructured: `VIR SEPA RECU /MOTIF ${damage(invoice.number)}`,
          endToEndId: 'NOTPROVIDED',
        },
        [invoice.id],
        'single',
      );
    } else if (kind < 0.65) {
      push(
        {
          amount: invoice.amount,
          bookingDate: isoDay(day),
          ...payerOf(invoice),
          remittanceUnstructured: 'VIREMENT',
          endToEndId: 'NOTPROVIDED',
        },
        [invoice.id],
        'no-reference',
      );
    } else if (kind < 0.72) {
      const second = take();
      if (!second) continue;
      second.customerName = invoice.customerName;
      second.issueDate = invoice.issueDate;
      second.dueDate = invoice.dueDate;
      customerOf.set(second.id, customerOf.get(invoice.id));
      const total = money(cents(invoice.amount) + cents(second.amount));
      push(
        {
          amount: total,
          bookingDate: isoDay(day),
          ...payerOf(invoice),
          remittanceUnstructured: `Paiement facture ${invoice.number} ${second.number}`,
          endToEndId: 'NOTPROVIDED',
        },
        [invoice.id, second.id],
        'grouped',
      );
    } else if (kind < 0.8) {
      const first = Math.floor(cents(invoice.amount) * 0.3);
      push(
        {
          amount: money(first),
          bookingDate: isoDay(day),
          ...payerOf(invoice),
          remittanceUnstructured: `${invoice.number} acompte`,
          endToEndId: 'NOTPROVIDED',
        },
        [invoice.id],
        'instalment',
      );
      push(
        {
          amount: money(cents(invoice.amount) - first),
          bookingDate: isoDay(Math.min(364, day + 30)),
          ...payerOf(invoice),
          remittanceUnstructured: `solde ${invoice.number}`,
          endToEndId: 'NOTPROVIDED',
        },
        [invoice.id],
        'instalment',
      );
    } else if (kind < 0.85) {
      push(
        {
          amount: invoice.amount,
          bookingDate: isoDay(day),
          counterpartyName: pick(THIRD_PARTIES),
          counterpartyIban: iban(),
          remittanceUnstructured: `Paiement facture ${invoice.structuredReference ?? invoice.number}`,
          endToEndId: 'NOTPROVIDED',
        },
        [invoice.id],
        'third-party',
      );
    } else {
      const items = [
        invoice,
        ...Array.from({ length: int(1, 5) }, take).filter((item): item is OpenInvoice => item !== undefined),
      ];
      const payoutId = `po_${Math.floor(random() * 1e12).toString(36)}${payouts.length}`;
      const rows = items.map((item, i) => {
        const gross = cents(item.amount);
        const fee = Math.round(gross * 0.015) + 25;
        return {
          chargeId: `ch_${payoutId}_${i}`,
          invoiceNumber: item.number,
          customerName: null,
          description: `Invoice ${item.number}`,
          gross: item.amount,
          fee: `-${money(fee)}`,
          net: money(gross - fee),
        };
      });
      const net = money(rows.reduce((sum, row) => sum + cents(row.net), 0));
      payouts.push({ payoutId, arrivalDate: isoDay(day), amount: net, currency: 'EUR', items: rows });
      push(
        {
          amount: net,
          bookingDate: isoDay(day),
          counterpartyName: 'STRIPE',
          counterpartyIban: null,
          remittanceUnstructured: `STRIPE ${payoutId}`,
          endToEndId: payoutId,
        },
        items.map((item) => item.id),
        'payout',
      );
    }
  }
  return {
    input: { invoices: openInvoices, credits: credits.slice(0, transactions), payouts, memory: { knownPayers } },
    truth: truth.filter((link) => Number(link.transactionId.slice(1)) <= transactions),
  };
}
