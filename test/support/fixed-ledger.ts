/**
 * A small fixed ledger with every kind of bank line the journal knows, for golden-file tests and the README: a
 * transfer paying one invoice, one paying two, an underpayment written off, a card payout net of fees, an
 * overpayment, a line paying an invoice issued before the period, categorised lines (mapped and not), unidentified
 * lines, a line in another currency, and text that looks like a spreadsheet formula.
 */
import type { JournalInput } from '../../src/modules/accounting/bank-journal';

const MAIN = 'a0000000-0000-0000-0000-000000000001';
const SAVINGS = 'a0000000-0000-0000-0000-000000000002';
const DOLLARS = 'a0000000-0000-0000-0000-000000000003';

const line = (
  id: string,
  accountId: string,
  date: string,
  amount: string,
  counterpartyName: string | null,
  remittance: string | null,
  extra: { category?: string; currency?: string } = {},
) => ({
  id: `t-${id}`,
  accountId,
  reference: `BNK-${id}`,
  date,
  amount,
  currency: extra.currency ?? 'EUR',
  counterpartyName,
  remittance,
  category: extra.category ?? null,
});

const invoice = (number: string, customerName: string, issueDate: string, amount: string, currency = 'EUR') => ({
  id: `i-${number}`,
  number,
  customerName,
  issueDate,
  amount,
  currency,
});

const settlement = (
  line: string,
  number: string,
  amount: string,
  writtenOff = '0',
  payoutId: string | null = null,
) => ({
  transactionId: `t-${line}`,
  invoiceId: `i-${number}`,
  amount,
  writtenOff,
  payoutId,
});

export const FIXED_LEDGER: JournalInput = {
  from: '2026-10-01',
  to: '2026-10-31',
  validatedOn: '2026-11-03',
  accounts: [
    { id: SAVINGS, iban: 'FR7630006000011234567890189', name: 'Épargne' },
    { id: MAIN, iban: 'DE89370400440532013000', name: 'Compte courant' },
    { id: DOLLARS, iban: 'GB33BUKB20201555555555', name: 'USD' },
  ],
  lines: [
    line('01', MAIN, '2026-10-14', '1200.00', 'Atelier Dubois', 'INV-101'),
    line('02', MAIN, '2026-10-15', '800.00', 'Boulangerie Martin', 'INV-102 INV-103'),
    line('03', MAIN, '2026-10-16', '995.50', 'Garage Leroy', 'Facture INV-104'),
    line('04', MAIN, '2026-10-17', '2175.37', 'STRIPE PAYMENTS', 'STRIPE po_1QxA7'),
    line('05', MAIN, '2026-10-20', '260.00', 'Café du Port', 'INV-107'),
    line('06', MAIN, '2026-10-21', '640.00', 'Atelier Dubois', 'INV-099'),
    line('07', SAVINGS, '2026-10-22', '-450.00', 'SCI Les Tilleuls', 'Loyer octobre', { category: 'rent' }),
    line('08', MAIN, '2026-10-23', '-89.90', 'Orange', 'Abonnement', { category: 'telecom' }),
    line('09', MAIN, '2026-10-25', '-1500.00', 'Jean Dupont', 'Salaire octobre'),
    line('10', MAIN, '2026-10-28', '99.99', '-Minus Corp', '=HYPERLINK("http://x")'),
    line('11', DOLLARS, '2026-10-29', '80.10', 'Acme Inc', 'INV-108', { currency: 'USD' }),
    line('12', MAIN, '2026-10-30', '0.00', 'Banque', 'Ligne à zéro'),
  ],
  settlements: [
    settlement('01', 'INV-101', '1200.00'),
    settlement('02', 'INV-102', '500.00'),
    settlement('02', 'INV-103', '300.00'),
    settlement('03', 'INV-104', '995.50', '4.50'),
    settlement('04', 'INV-105', '1200.00', '0', 'po_1QxA7'),
    settlement('04', 'INV-106', '1000.00', '0', 'po_1QxA7'),
    settlement('05', 'INV-107', '250.00'),
    settlement('06', 'INV-099', '640.00'),
    settlement('11', 'INV-108', '80.10'),
  ],
  invoices: [
    invoice('INV-099', 'Atelier Dubois', '2026-09-20', '640.00'),
    invoice('INV-101', 'Atelier Dubois', '2026-10-01', '1200.00'),
    invoice('INV-102', 'Boulangerie Martin', '2026-10-02', '500.00'),
    invoice('INV-103', 'Boulangerie Martin', '2026-10-02', '300.00'),
    invoice('INV-104', 'Garage Leroy', '2026-10-03', '1000.00'),
    invoice('INV-105', 'Hôtel Bellevue', '2026-10-05', '1200.00'),
    invoice('INV-106', 'Librairie Page', '2026-10-06', '1000.00'),
    invoice('INV-107', 'Café du Port', '2026-10-07', '250.00'),
    invoice('INV-108', 'Acme Inc', '2026-10-08', '80.10', 'USD'),
    invoice('INV-109', 'Atelier Dubois', '2026-10-09', '300.00'),
  ],
  payouts: [{ payoutId: 'po_1QxA7', arrivalDate: '2026-10-17', fees: '24.63' }],
  categoryAccounts: { rent: { number: '613200', label: 'Locations immobilières' } },
};
