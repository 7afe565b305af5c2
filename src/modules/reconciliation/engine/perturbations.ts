/**
 * Patterns real feeds have and a published set may not, as rewrites of a labelled dataset's engine input. They are
 * generic (no id, name or amount of a particular set is used) and stand in for the unpublished sets the engine is
 * judged on: the quality targets must hold on each. Used by the dev-set test and by `npm run eval:reconcile`.
 */
import type { Dataset } from './dataset';
import { formatCents, toCents } from './money';
import { LEGAL_FORMS } from './party-name';
import type { BankCredit, ReconciliationInput } from './types';

export interface Perturbation {
  name: string;
  apply: (dataset: Dataset, input: ReconciliationInput) => ReconciliationInput;
  /**
   * Whether the auto-confirmed recall target applies. It does not when the rewrite takes away the evidence that
   * settles most payments on purpose: a quoted number naming another invoice is for the owner to settle.
   */
  autoRecallTarget: boolean;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function withCredits(
  input: ReconciliationInput,
  rewrite: (credit: BankCredit, position: number) => BankCredit,
): ReconciliationInput {
  return { ...input, credits: input.credits.map(rewrite) };
}

/**
 * A payer's name as another bank prints it, one habit per credit in turn: the legal form moved to the front, the
 * legal form dropped, accents stripped, "STE" put before it, words reversed, cut at 18 characters.
 */
function rewriteName(name: string, position: number): string {
  const words = name.split(' ');
  const forms = words.filter((word) => LEGAL_FORMS.has(word.toUpperCase()));
  const rest = words.filter((word) => !LEGAL_FORMS.has(word.toUpperCase()));
  switch (position % 6) {
    case 0:
      return [...forms, ...rest].join(' ');
    case 1:
      return rest.length > 0 ? rest.join(' ') : name;
    case 2:
      return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    case 3:
      return `STE ${name}`;
    case 4:
      return [...rest].reverse().concat(forms).join(' ');
    default:
      return name.slice(0, 18);
  }
}

export const PERTURBATIONS: Perturbation[] = [
  {
    name: 'no IBAN anywhere',
    apply: (_, input) => ({
      ...withCredits(input, (credit) => ({ ...credit, counterpartyIban: null })),
      invoices: input.invoices.map((invoice) => ({ ...invoice, customerIban: null })),
      memory: {
        ...input.memory,
        knownPayers: input.memory?.knownPayers?.map((payer) => ({ ...payer, payerIban: null })),
      },
    }),
    autoRecallTarget: true,
  },
  {
    name: 'no end-to-end ids',
    apply: (_, input) => withCredits(input, (credit) => ({ ...credit, endToEndId: null })),
    autoRecallTarget: true,
  },
  {
    name: 'payer names cut at 14 characters',
    apply: (_, input) =>
      withCredits(input, (credit) => ({ ...credit, counterpartyName: credit.counterpartyName?.slice(0, 14) })),
    autoRecallTarget: true,
  },
  {
    name: 'payer names written another way by the bank',
    apply: (_, input) =>
      withCredits(input, (credit, position) => ({
        ...credit,
        counterpartyName: credit.counterpartyName
          ? rewriteName(credit.counterpartyName, position)
          : credit.counterpartyName,
      })),
    autoRecallTarget: true,
  },
  {
    name: 'the feed in reverse order',
    apply: (_, input) => ({ ...input, credits: [...input.credits].reverse(), invoices: [...input.invoices].reverse() }),
    autoRecallTarget: true,
  },
  {
    name: 'a stranger crediting every open amount',
    apply: (_, input) => ({
      ...input,
      credits: [
        ...input.credits,
        ...input.invoices.map((invoice, i): BankCredit => ({
          id: `decoy-${i}`,
          amount: invoice.amount,
          currency: invoice.currency,
          status: 'BOOKED',
          bookingDate: invoice.dueDate,
          counterpartyName: 'SCI DU PARC',
          counterpartyIban: 'FR7612345678901234567890123',
          remittanceUnstructured: `LOYER ${invoice.dueDate}`,
          endToEndId: null,
        })),
      ],
    }),
    autoRecallTarget: true,
  },
  {
    name: 'every payment in full of one invoice sent twice',
    apply: (dataset, input) => {
      const amounts = new Map(input.invoices.map((invoice) => [invoice.id, invoice.amount]));
      // Payments in full only: a second equal instalment is a legitimate payment, not a double one.
      const inFull = new Map(
        (dataset.truth ?? [])
          .filter((link) => link.invoiceIds.length === 1)
          .map((link) => [link.transactionId, amounts.get(link.invoiceIds[0])]),
      );
      const again = input.credits
        .filter((credit) => inFull.get(credit.id) === credit.amount)
        .map((credit) => ({ ...credit, id: `again-${credit.id}`, bookingDate: addDays(credit.bookingDate, 2) }));
      return { ...input, credits: [...input.credits, ...again] };
    },
    autoRecallTarget: true,
  },
  {
    name: 'bank charges of 2.50 taken from every payment',
    apply: (dataset, input) => {
      const paying = new Set((dataset.truth ?? []).map((link) => link.transactionId));
      return withCredits(input, (credit) =>
        paying.has(credit.id) && !credit.counterpartyName?.includes('STRIPE')
          ? { ...credit, amount: formatCents(toCents(credit.amount) - 250n) }
          : credit,
      );
    },
    autoRecallTarget: true,
  },
  {
    name: 'the last digit of every quoted invoice number mistyped when that names another invoice',
    apply: (_, input) => {
      const numbers = new Set(input.invoices.map((invoice) => invoice.number));
      return withCredits(input, (credit) => {
        const quoted = input.invoices.find((invoice) => credit.remittanceUnstructured?.includes(invoice.number));
        if (!quoted) return credit;
        const typo = quoted.number.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
        if (!numbers.has(typo)) return credit;
        return {
          ...credit,
          endToEndId: null,
          remittanceUnstructured: credit.remittanceUnstructured?.replace(quoted.number, typo),
        };
      });
    },
    autoRecallTarget: false,
  },
];
