// Over 400 lines on purpose: one behaviour suite for one engine, read as its specification (cases by kind of
// payment, then bank printing quirks, then scale); split by file, the shared builders above would be copied.
import fc from 'fast-check';
import { fromProviderTransaction } from './bank-credit';
import { reconcile } from './matcher';
import { makeOgm, makeRf } from './structured-reference';
import type { BankCredit, Link, OpenInvoice, PayoutReport, ReconciliationInput, ReconciliationResult } from './types';

const DUPONT_IBAN = 'FR7630006000011234567890189';
const GARNIER_IBAN = 'DE89370400440532013000';

function invoice(id: string, over: Partial<OpenInvoice> = {}): OpenInvoice {
  return {
    id,
    number: `INV-${id.replace(/\D/g, '').padStart(6, '0')}`,
    customerName: 'Boulangerie Dupont SARL',
    customerIban: DUPONT_IBAN,
    amount: '100.00',
    currency: 'EUR',
    issueDate: '2026-03-01',
    dueDate: '2026-03-31',
    ...over,
  };
}

function credit(id: string, over: Partial<BankCredit> = {}): BankCredit {
  return {
    id,
    amount: '100.00',
    currency: 'EUR',
    status: 'BOOKED',
    bookingDate: '2026-03-20',
    counterpartyName: 'BOULANGERIE DUPONT SARL',
    counterpartyIban: DUPONT_IBAN,
    remittanceUnstructured: 'VIREMENT',
    endToEndId: 'NOTPROVIDED',
    ...over,
  };
}

function run(input: Partial<ReconciliationInput>, options = {}): ReconciliationResult {
  return reconcile({ invoices: [], credits: [], ...input }, options);
}

function linksOf(result: ReconciliationResult, transactionId: string): Link[] {
  return result.links.filter((link) => link.transactionId === transactionId);
}

function onlyLink(result: ReconciliationResult, transactionId: string): Link {
  const links = linksOf(result, transactionId);
  expect(links).toHaveLength(1);
  return links[0];
}

function invoiceIds(link: Link): string[] {
  return link.allocations.map((allocation) => allocation.invoiceId);
}

/** Other customers' invoices, so that matches are found among many, as in a real ledger. */
function noise(count: number): OpenInvoice[] {
  return Array.from({ length: count }, (_, i) =>
    invoice(`I${900 + i}`, { customerName: `Client ${i} SAS`, customerIban: null, amount: `${200 + i}.15` }),
  );
}

describe('reconciling bank credits with open invoices', () => {
  it('auto-confirms a payment that quotes the invoice number for the exact amount', () => {
    const result = run({
      invoices: [invoice('I1'), invoice('I2', { amount: '250.00' }), ...noise(20)],
      credits: [credit('T1', { remittanceUnstructured: 'Paiement facture INV-000002', amount: '250.00' })],
    });
    const link = onlyLink(result, 'T1');
    expect(invoiceIds(link)).toEqual(['I2']);
    expect(link.allocations[0].amount).toBe('250.00');
    expect(link.decision).toBe('AUTO_CONFIRMED');
    expect(link.signals.map((signal) => signal.kind)).toEqual(
      expect.arrayContaining(['REFERENCE_EXACT', 'AMOUNT_EQUAL']),
    );
    expect(result.invoices.find((state) => state.invoiceId === 'I2')?.status).toBe('PAID');
  });

  it.each([
    ['lower case', 'virement inv-000002'],
    ['missing dash', 'REGLEMENT INV000002'],
    ['a space for the dash', 'VIREMENT DE DUPONT INV 000002'],
    ['the letter O typed for a zero', 'MOTIF: REGLEMENT INV-O00002'],
    ['its padding zeros dropped', 'FACTURE INV-2'],
  ])('reads a damaged reference (%s) as the invoice it names', (_, remittance) => {
    const result = run({
      invoices: [invoice('I1'), invoice('I2', { amount: '250.00' }), ...noise(20)],
      credits: [credit('T1', { remittanceUnstructured: remittance, amount: '250.00' })],
    });
    const link = onlyLink(result, 'T1');
    expect(invoiceIds(link)).toEqual(['I2']);
    expect(link.decision).toBe('AUTO_CONFIRMED');
  });

  it('does not auto-confirm a reference with a wrong digit that names another invoice, and suggests the one amount and payer point to', () => {
    const result = run({
      invoices: [
        invoice('I563', { amount: '705.35' }),
        invoice('I564', { amount: '628.57', customerName: 'Architectes Associés SARL', customerIban: null }),
        ...noise(20),
      ],
      credits: [
        credit('T1', { remittanceUnstructured: 'VIREMENT DE BOULANGERIE DUPONT INV-000564', amount: '705.35' }),
      ],
    });
    const link = onlyLink(result, 'T1');
    expect(invoiceIds(link)).toEqual(['I563']);
    expect(link.decision).toBe('SUGGESTED');
  });

  it('suggests the one-digit neighbour the amount pays to the cent over a quoted invoice it only nearly pays', () => {
    const result = run({
      invoices: [
        invoice('I593', { amount: '696.70', customerIban: null }),
        invoice('I594', { amount: '705.94' }),
        ...noise(10),
      ],
      credits: [credit('T1', { amount: '696.70', remittanceUnstructured: 'REGLEMENT INV-000594' })],
    });
    const link = onlyLink(result, 'T1');
    expect(link).toMatchObject({
      decision: 'SUGGESTED',
      allocations: [{ invoiceId: 'I593', amount: '696.70' }],
      alternatives: ['I594'],
    });
    expect(link.signals).toContainEqual(expect.objectContaining({ kind: 'CONFLICTING_REFERENCE', invoiceId: 'I594' }));
    expect(result.writeOffs).toEqual([]);
  });

  it('auto-confirms a valid ISO 11649 RF reference, but treats a failed check as a weak hint only', () => {
    const invoices = [
      invoice('I275', { amount: '1034.00', structuredReference: makeRf('INV000275') }),
      invoice('I276', { amount: '2218.42', structuredReference: makeRf('INV000276') }),
      ...noise(20),
    ];
    const valid = run({
      invoices,
      credits: [credit('T1', { remittanceUnstructured: makeRf('INV000275'), amount: '1034.00' })],
    });
    expect(onlyLink(valid, 'T1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I275' }] });

    // RF43INV000275 is I275's reference; with its last digit changed the check fails, and the text now reads I276.
    const damaged = makeRf('INV000275').replace(/5$/, '6');
    const result = run({ invoices, credits: [credit('T1', { remittanceUnstructured: damaged, amount: '1034.00' })] });
    const link = onlyLink(result, 'T1');
    expect(invoiceIds(link)).toEqual(['I275']);
    expect(link.decision).toBe('SUGGESTED');
    expect(link.signals.map((signal) => signal.kind)).toContain('REFERENCE_CHECK_FAILED');
  });

  it('never auto-confirms a failed RF check even when amount and payer agree', () => {
    const result = run({
      invoices: [invoice('I1', { structuredReference: makeRf('2026001') }), ...noise(5)],
      credits: [credit('T1', { remittanceUnstructured: makeRf('2026001').replace('2026001', '2026007') })],
    });
    const link = onlyLink(result, 'T1');
    expect(link).toMatchObject({ decision: 'SUGGESTED', allocations: [{ invoiceId: 'I1' }] });
    expect(link.signals.map((signal) => signal.kind)).toContain('REFERENCE_CHECK_FAILED');
  });

  it('verifies Belgian OGM/VCS structured communications before trusting them', () => {
    const ogm = makeOgm('0909337554');
    const invoices = [invoice('I1', { structuredReference: ogm, number: 'F2026/0117' }), ...noise(10)];
    const good = run({
      invoices,
      credits: [credit('T1', { remittanceStructured: ogm, remittanceUnstructured: null })],
    });
    expect(onlyLink(good, 'T1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I1' }] });

    const typo = ogm.replace('9337', '9387');
    const bad = run({
      invoices,
      credits: [credit('T1', { remittanceStructured: typo, remittanceUnstructured: null })],
    });
    const link = onlyLink(bad, 'T1');
    expect(link).toMatchObject({ decision: 'SUGGESTED', allocations: [{ invoiceId: 'I1' }] });
    expect(link.signals.map((signal) => signal.kind)).toContain('REFERENCE_CHECK_FAILED');
  });

  it('suggests a payment with no reference from its amount, payer and date, without auto-confirming it', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '758.66' }), ...noise(20)],
      credits: [credit('T1', { amount: '758.66', remittanceUnstructured: 'VIREMENT', counterpartyIban: null })],
    });
    const link = onlyLink(result, 'T1');
    expect(invoiceIds(link)).toEqual(['I1']);
    expect(link.decision).toBe('SUGGESTED');
    expect(link.signals.map((signal) => signal.kind)).toEqual(expect.arrayContaining(['PAYER_NAME', 'AMOUNT_EQUAL']));
  });

  it.each([
    ['a rent', 'LOYER SCI LES PINS', 'LOYER'],
    ['an insurance refund', 'ASSURANCE AXA', 'REMBOURSEMENT'],
    ['an internal transfer', 'VIREMENT INTERNE', 'VIR INTERNE EPARGNE'],
  ])('never links %s that merely equals an open invoice amount', (_, payer, remittance) => {
    const result = run({
      invoices: [invoice('I1', { amount: '409.50' }), ...noise(20)],
      credits: [
        credit('T1', {
          amount: '409.50',
          counterpartyName: payer,
          counterpartyIban: GARNIER_IBAN,
          remittanceUnstructured: remittance,
        }),
      ],
    });
    expect(result.links).toEqual([]);
    expect(result.unmatchedCredits).toEqual([{ transactionId: 'T1', amount: '409.50', reason: 'NO_CANDIDATE' }]);
  });

  it('links one transfer that pays several invoices of one customer to each of them', () => {
    const invoices = [
      invoice('I482', { amount: '256.30' }),
      invoice('I254', { amount: '1480.00' }),
      invoice('I390', { amount: '384.14' }),
      ...noise(20),
    ];
    const referenced = run({
      invoices,
      credits: [
        credit('T1', { amount: '2120.44', remittanceUnstructured: 'VIREMENT INV-000482 INV-000254 INV-000390' }),
      ],
    });
    const link = onlyLink(referenced, 'T1');
    expect(invoiceIds(link).sort()).toEqual(['I254', 'I390', 'I482']);
    expect(link.decision).toBe('AUTO_CONFIRMED');

    // Without references, the only set of this payer's open invoices adding up to the amount is suggested.
    const unreferenced = run({
      invoices,
      credits: [credit('T1', { amount: '1736.30', remittanceUnstructured: 'VIREMENT' })],
    });
    const suggestion = onlyLink(unreferenced, 'T1');
    expect(invoiceIds(suggestion).sort()).toEqual(['I254', 'I482']);
    expect(suggestion.decision).toBe('SUGGESTED');
  });

  it('tracks instalments: the invoice is partially then fully paid, and each transfer is linked', () => {
    const invoices = [invoice('I365', { amount: '922.97' }), ...noise(10)];
    const credits = [
      credit('T2', { amount: '461.48', bookingDate: '2026-05-01', remittanceUnstructured: 'solde INV-000365' }),
      credit('T1', { amount: '461.49', bookingDate: '2026-04-01', remittanceUnstructured: 'INV-000365 acompte' }),
    ];
    const halfway = run({ invoices, credits: [credits[1]] });
    expect(halfway.invoices.find((state) => state.invoiceId === 'I365')).toMatchObject({
      status: 'PARTIALLY_PAID',
      amountPaid: '461.49',
    });
    const result = run({ invoices, credits });
    expect(onlyLink(result, 'T1').allocations).toEqual([{ invoiceId: 'I365', amount: '461.49' }]);
    expect(onlyLink(result, 'T2').allocations).toEqual([{ invoiceId: 'I365', amount: '461.48' }]);
    expect(result.invoices.find((state) => state.invoiceId === 'I365')).toMatchObject({
      status: 'PAID',
      amountPaid: '922.97',
    });
  });

  it('settles every invoice a card payout names, allocating gross amounts and reporting the fees apart', () => {
    const payout: PayoutReport = {
      payoutId: 'po_kpZMRxX7pkRCqr',
      arrivalDate: '2026-03-20',
      amount: '405.66',
      currency: 'EUR',
      items: [
        {
          chargeId: 'ch_1',
          invoiceNumber: 'INV-000557',
          customerName: null,
          description: 'Invoice INV-000557',
          gross: '239.85',
          fee: '-3.85',
          net: '236.00',
        },
        {
          chargeId: 'ch_2',
          invoiceNumber: null,
          customerName: 'Garage Martin',
          description: 'Payment',
          gross: '172.50',
          fee: '-2.84',
          net: '169.66',
        },
      ],
    };
    const result = run({
      invoices: [
        invoice('I557', { amount: '239.85' }),
        invoice('I345', { amount: '172.50', customerName: 'Garage Martin SASU', customerIban: null }),
        ...noise(20),
      ],
      credits: [
        credit('T1', {
          amount: '405.66',
          counterpartyName: 'STRIPE',
          counterpartyIban: null,
          remittanceUnstructured: 'STRIPE po_kpZMRxX7pkRCqr',
        }),
      ],
      payouts: [payout],
    });
    const links = linksOf(result, 'T1');
    expect(links.find((link) => link.decision === 'AUTO_CONFIRMED')?.allocations).toEqual([
      { invoiceId: 'I557', amount: '239.85' },
    ]);
    expect(links.find((link) => link.decision === 'SUGGESTED')?.allocations).toEqual([
      { invoiceId: 'I345', amount: '172.50' },
    ]);
    expect(result.payoutFees).toEqual([{ payoutId: 'po_kpZMRxX7pkRCqr', transactionId: 'T1', amount: '6.69' }]);
  });

  it('finds a payout by net amount and arrival date when the bank drops its id, and only suggests it', () => {
    const payout: PayoutReport = {
      payoutId: 'po_1',
      arrivalDate: '2026-03-19',
      amount: '236.00',
      currency: 'EUR',
      items: [
        {
          chargeId: 'ch_1',
          invoiceNumber: 'INV-000557',
          customerName: null,
          description: null,
          gross: '239.85',
          fee: '-3.85',
          net: '236.00',
        },
      ],
    };
    const result = run({
      invoices: [invoice('I557', { amount: '239.85' }), ...noise(5)],
      credits: [
        credit('T1', {
          amount: '236.00',
          counterpartyName: 'STRIPE',
          counterpartyIban: null,
          remittanceUnstructured: 'STRIPE PAYMENTS',
        }),
      ],
      payouts: [payout],
    });
    expect(onlyLink(result, 'T1')).toMatchObject({
      decision: 'SUGGESTED',
      payoutId: 'po_1',
      allocations: [{ invoiceId: 'I557' }],
    });
  });

  it('ignores refund lines of a payout and reports a card payment of an invoice already paid as an overpayment', () => {
    const payout: PayoutReport = {
      payoutId: 'po_2',
      arrivalDate: '2026-03-20',
      amount: '146.15',
      currency: 'EUR',
      items: [
        {
          chargeId: 'ch_1',
          invoiceNumber: 'INV-000001',
          customerName: null,
          description: null,
          gross: '100.00',
          fee: '-1.75',
          net: '98.25',
        },
        {
          chargeId: 'ch_2',
          invoiceNumber: 'INV-000002',
          customerName: null,
          description: null,
          gross: '80.00',
          fee: '-1.45',
          net: '78.55',
        },
        {
          chargeId: 're_3',
          invoiceNumber: 'INV-000003',
          customerName: null,
          description: 'Refund',
          gross: '-30.65',
          fee: '0.00',
          net: '-30.65',
        },
      ],
    };
    const result = run({
      invoices: [
        invoice('I1'),
        invoice('I2', { amount: '80.00', amountPaid: '80.00' }),
        invoice('I3', { amount: '30.65' }),
        invoice('I4', { amount: '80.00', customerName: 'Autre SA' }),
      ],
      credits: [
        credit('T1', {
          amount: '146.15',
          counterpartyName: 'STRIPE',
          counterpartyIban: null,
          remittanceUnstructured: 'STRIPE po_2',
        }),
      ],
      payouts: [payout],
    });
    expect(linksOf(result, 'T1').flatMap(invoiceIds)).toEqual(['I1']);
    expect(result.overpayments).toEqual([
      { transactionId: 'T1', invoiceId: 'I2', amount: '80.00', reason: 'POSSIBLE_DUPLICATE' },
    ]);
  });

  it('auto-confirms a third party paying with the invoice reference', () => {
    const result = run({
      invoices: [invoice('I299', { amount: '807.29' }), ...noise(20)],
      credits: [
        credit('T1', {
          amount: '807.29',
          counterpartyName: 'GROUPE HOLDING SA',
          counterpartyIban: GARNIER_IBAN,
          remittanceUnstructured: 'Paiement facture INV-000299',
        }),
      ],
    });
    expect(onlyLink(result, 'T1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I299' }] });
  });

  it('suggests, never auto-confirms, a tie between two equally likely invoices, naming the other one', () => {
    const result = run({
      invoices: [
        invoice('I1', { amount: '120.00', dueDate: '2026-03-10' }),
        invoice('I2', { amount: '120.00', dueDate: '2026-03-25' }),
        ...noise(10),
      ],
      credits: [credit('T1', { amount: '120.00', remittanceUnstructured: 'VIREMENT' })],
    });
    const link = onlyLink(result, 'T1');
    expect(link.decision).toBe('SUGGESTED');
    expect(invoiceIds(link)).toEqual(['I1']);
    expect(link.alternatives).toEqual(['I2']);
    expect(link.signals.map((signal) => signal.kind)).toContain('TIE');
  });

  it('settles an underpayment within the configured tolerance with a write-off line, and not beyond it', () => {
    const invoices = [invoice('I7', { amount: '1197.00' }), ...noise(5)];
    const credits = [credit('T1', { amount: '1193.50', remittanceUnstructured: 'INV-000007' })];
    const within = run({ invoices, credits }, { underpaymentTolerance: { absolute: '5.00', ratio: '0' } });
    expect(onlyLink(within, 'T1')).toMatchObject({
      decision: 'AUTO_CONFIRMED',
      allocations: [{ invoiceId: 'I7', amount: '1193.50' }],
    });
    expect(within.writeOffs).toEqual([
      { transactionId: 'T1', invoiceId: 'I7', amount: '3.50', reason: 'UNDERPAYMENT_WITHIN_TOLERANCE' },
    ]);
    expect(within.invoices.find((state) => state.invoiceId === 'I7')).toMatchObject({
      status: 'PAID',
      writtenOff: '3.50',
    });

    const strict = run({ invoices, credits }, { underpaymentTolerance: { absolute: '1.00', ratio: '0' } });
    expect(strict.writeOffs).toEqual([]);
    expect(strict.invoices.find((state) => state.invoiceId === 'I7')?.status).toBe('PARTIALLY_PAID');
  });

  it('accepts bank charges on an unquoted payment, but not a discount-sized gap', () => {
    const invoices = [invoice('I1', { amount: '1197.00' }), ...noise(5)];
    const charged = run({ invoices, credits: [credit('T1', { amount: '1194.50' })] });
    expect(onlyLink(charged, 'T1')).toMatchObject({
      decision: 'SUGGESTED',
      allocations: [{ invoiceId: 'I1', amount: '1194.50' }],
    });
    expect(charged.writeOffs).toEqual([
      { transactionId: 'T1', invoiceId: 'I1', amount: '2.50', reason: 'UNDERPAYMENT_WITHIN_TOLERANCE' },
    ]);

    const discounted = run({ invoices, credits: [credit('T1', { amount: '1173.06' })] });
    expect(discounted.links).toEqual([]);
  });

  it('settles every quoted invoice of a grouped payment short of bank charges, whichever invoice carries the IBAN', () => {
    const result = run({
      invoices: [
        invoice('I1', { amount: '218.50', customerIban: null }),
        invoice('I2', { amount: '364.10' }),
        ...noise(5),
      ],
      credits: [credit('T1', { amount: '580.10', remittanceUnstructured: 'MOTIF INV-000001 INV-000002' })],
    });
    const link = onlyLink(result, 'T1');
    expect(link.decision).toBe('AUTO_CONFIRMED');
    expect(link.allocations).toEqual([
      { invoiceId: 'I1', amount: '218.50' },
      { invoiceId: 'I2', amount: '361.60' },
    ]);
    expect(result.writeOffs).toEqual([
      { transactionId: 'T1', invoiceId: 'I2', amount: '2.50', reason: 'UNDERPAYMENT_WITHIN_TOLERANCE' },
    ]);
  });

  it('prefers the invoice the amount pays exactly over one it would settle only within tolerance', () => {
    const result = run({
      invoices: [
        invoice('I1', { amount: '2517.20', dueDate: '2026-02-15' }),
        invoice('I2', { amount: '2483.41', customerIban: null }),
        ...noise(10),
      ],
      credits: [credit('T1', { amount: '2483.41', remittanceUnstructured: 'VIREMENT' })],
    });
    expect(invoiceIds(onlyLink(result, 'T1'))).toEqual(['I2']);
    expect(result.writeOffs).toEqual([]);
  });

  it('links a double payment once and reports the second as a possible duplicate of that invoice', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '300.00' }), ...noise(5)],
      credits: [
        credit('T2', { amount: '300.00', bookingDate: '2026-03-22', remittanceUnstructured: 'INV-000001' }),
        credit('T1', { amount: '300.00', bookingDate: '2026-03-20', remittanceUnstructured: 'INV-000001' }),
      ],
    });
    expect(result.links.map((link) => link.transactionId)).toEqual(['T1']);
    expect(result.overpayments).toEqual([
      { transactionId: 'T2', invoiceId: 'I1', amount: '300.00', reason: 'POSSIBLE_DUPLICATE' },
    ]);
    expect(result.invoices.find((state) => state.invoiceId === 'I1')?.status).toBe('OVERPAID');
  });

  it('reports what a payment brings beyond the invoice instead of absorbing it, and leaves it to the owner', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '300.00' }), ...noise(5)],
      credits: [credit('T1', { amount: '330.00', remittanceUnstructured: 'INV-000001' })],
    });
    const link = onlyLink(result, 'T1');
    expect(link.allocations).toEqual([{ invoiceId: 'I1', amount: '300.00' }]);
    expect(link.decision).toBe('SUGGESTED');
    expect(link.signals.map((signal) => signal.kind)).toContain('OVERPAYMENT');
    expect(result.overpayments).toEqual([
      { transactionId: 'T1', invoiceId: 'I1', amount: '30.00', reason: 'OVERPAYMENT' },
    ]);
  });

  it('never proposes a pair the owner rejected', () => {
    const input = {
      invoices: [invoice('I1', { amount: '300.00' }), ...noise(5)],
      credits: [credit('T1', { amount: '300.00', remittanceUnstructured: 'INV-000001' })],
    };
    expect(run(input).links).toHaveLength(1);
    const result = run({ ...input, memory: { rejectedPairs: [{ transactionId: 'T1', invoiceId: 'I1' }] } });
    expect(result.links).toEqual([]);
  });

  it('lets a payer the owner confirmed before settle an unreferenced payment on its own', () => {
    const input = {
      invoices: [
        invoice('I1', { amount: '480.00', customerName: 'Fromagerie Chevalier SAS', customerIban: null }),
        ...noise(5),
      ],
      credits: [
        credit('T1', {
          amount: '480.00',
          counterpartyName: 'EULER HERMES',
          counterpartyIban: GARNIER_IBAN,
          remittanceUnstructured: 'VIR',
        }),
      ],
    };
    expect(run(input).links).toEqual([]);
    const remembered = run({
      ...input,
      memory: { knownPayers: [{ payerIban: GARNIER_IBAN, customerName: 'Fromagerie Chevalier SAS' }] },
    });
    expect(onlyLink(remembered, 'T1')).toMatchObject({
      decision: 'AUTO_CONFIRMED',
      allocations: [{ invoiceId: 'I1' }],
    });
  });

  it('leaves a pending credit to its booked twin, and only suggests one that has not booked yet', () => {
    const invoices = [invoice('I1', { amount: '300.00' })];
    const pending = credit('T1', { amount: '300.00', status: 'PENDING', remittanceUnstructured: 'INV-000001' });
    const withTwin = run({
      invoices,
      credits: [pending, credit('T2', { amount: '300.00', remittanceUnstructured: 'INV-000001' })],
    });
    expect(withTwin.links.map((link) => [link.transactionId, link.decision])).toEqual([['T2', 'AUTO_CONFIRMED']]);
    expect(withTwin.unmatchedCredits).toEqual([{ transactionId: 'T1', amount: '300.00', reason: 'PENDING' }]);

    const alone = run({ invoices, credits: [pending] });
    expect(onlyLink(alone, 'T1')).toMatchObject({ decision: 'SUGGESTED', allocations: [{ invoiceId: 'I1' }] });
  });

  it('does not link a credit the bank sent back (a SEPA return debit of the same amount to the same payer)', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '300.00' }), ...noise(5)],
      credits: [
        credit('T1', { amount: '300.00', bookingDate: '2026-03-20', remittanceUnstructured: 'INV-000001' }),
        credit('T2', {
          amount: '-300.00',
          bookingDate: '2026-03-23',
          remittanceUnstructured: 'RETOUR VIREMENT MOTIF AC04',
        }),
      ],
    });
    expect(result.links).toEqual([]);
    expect(result.unmatchedCredits).toEqual([{ transactionId: 'T1', amount: '300.00', reason: 'REVERSED' }]);
    expect(result.invoices.find((state) => state.invoiceId === 'I1')?.status).toBe('OPEN');
  });

  it('matches the normalized transactions bank adapters produce', () => {
    const credit = fromProviderTransaction({
      providerTransactionId: 'tx-1',
      amount: { amount: '250.00', currency: 'EUR' },
      status: 'BOOKED',
      bookingDate: '2026-03-20',
      date: '2026-03-20',
      counterparty: { name: 'Boulangerie Dupont', iban: DUPONT_IBAN },
      remittanceStructured: makeRf('INV000002'),
      endToEndId: 'NOTPROVIDED',
    });
    const result = run({
      invoices: [invoice('I2', { amount: '250.00', structuredReference: makeRf('INV000002') })],
      credits: [credit],
    });
    expect(onlyLink(result, 'tx-1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I2' }] });
  });
});

describe('reading payers and references the way banks print them', () => {
  it.each([
    ['words in another order', 'DUPONT BOULANGERIE'],
    ['a truncated name', 'BOULANGERIE DUPON'],
    ['a civility added', 'STE BOULANGERIE DUPONT'],
  ])('recognises the customer behind %s', (_, payerName) => {
    const result = run({
      invoices: [invoice('I1', { amount: '612.40', customerIban: null }), ...noise(20)],
      credits: [credit('T1', { amount: '612.40', counterpartyName: payerName, counterpartyIban: null })],
    });
    expect(invoiceIds(onlyLink(result, 'T1'))).toEqual(['I1']);
  });

  it.each([
    ['without its +++ frame', (ogm: string) => ogm.replace(/\+/g, '')],
    ['with spaces for slashes', (ogm: string) => ogm.replace(/\+/g, '').replace(/\//g, ' ')],
    ['as 12 bare digits', (ogm: string) => ogm.replace(/\D/g, '')],
  ])('reads an OGM/VCS printed %s', (_, print) => {
    const ogm = makeOgm('1234567890');
    const result = run({
      invoices: [invoice('I1', { structuredReference: ogm, number: 'F2026/0001' }), ...noise(10)],
      credits: [credit('T1', { remittanceUnstructured: `COMMUNICATION ${print(ogm)}`, counterpartyIban: null })],
    });
    expect(onlyLink(result, 'T1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I1' }] });
  });

  it("does not take the digits of a bank's own reference for an invoice number", () => {
    const result = run({
      invoices: [invoice('I356', { amount: '480.00' }), ...noise(10)],
      credits: [
        credit('T1', {
          amount: '75.00',
          remittanceUnstructured: 'VIR INST RE 000356',
          counterpartyName: 'ORANGE',
          counterpartyIban: null,
        }),
        credit('T2', { amount: '75.00', remittanceUnstructured: 'VIR INST RE 000356' }),
      ],
    });
    expect(result.links).toEqual([]);
  });

  it('suggests, without auto-confirming, a payment quoting two invoices whose amounts do not add up', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '300.00' }), invoice('I2', { amount: '200.00' }), ...noise(10)],
      credits: [
        credit('T1', {
          amount: '450.00',
          remittanceUnstructured: 'INV-000001 INV-000002',
          counterpartyName: 'EULER HERMES',
          counterpartyIban: null,
        }),
      ],
    });
    const link = onlyLink(result, 'T1');
    expect(link.decision).toBe('SUGGESTED');
    expect(link.allocations).toEqual([
      { invoiceId: 'I1', amount: '300.00' },
      { invoiceId: 'I2', amount: '150.00' },
    ]);
  });
});

describe('scaling', () => {
  it('matches a subscription business, where thousands of invoices share one price, without scanning them all', () => {
    const customers = 5000;
    const invoices = Array.from({ length: customers * 2 }, (_, i) =>
      invoice(`I${i + 1}`, { amount: '49.00', customerName: `Abonne ${i % customers} SAS`, customerIban: null }),
    );
    const credits = Array.from({ length: customers }, (_, i) =>
      credit(`T${i + 1}`, {
        amount: '49.00',
        counterpartyName: `ABONNE ${i} SAS`,
        counterpartyIban: null,
        remittanceUnstructured: 'ABONNEMENT',
      }),
    );
    const started = Date.now();
    const result = reconcile({ invoices, credits });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.links).toHaveLength(customers);
    // Each subscriber has two open invoices of the same price: a tie, suggested on the older, never confirmed.
    expect(result.links.every((link) => link.decision === 'SUGGESTED')).toBe(true);
  });
});

describe('reconciliation invariants (property-based)', () => {
  const amount = fc.integer({ min: 1, max: 5000 }).map((units) => `${units}.${String(units % 100).padStart(2, '0')}`);
  const invoicesArb = fc.array(
    fc.record({
      n: fc.integer({ min: 1, max: 40 }),
      amount,
      customer: fc.constantFrom('Dupont SARL', 'Garnier SAS', 'Lambert'),
    }),
    { minLength: 1, maxLength: 25 },
  );
  const creditsArb = fc.array(
    fc.record({
      n: fc.integer({ min: 1, max: 45 }),
      amount,
      payer: fc.constantFrom('DUPONT SARL', 'GARNIER', 'LAMBERT', 'SCI LES PINS'),
      withReference: fc.boolean(),
      day: fc.integer({ min: 1, max: 28 }),
    }),
    { maxLength: 25 },
  );

  type Arbitrary<T> = T extends fc.Arbitrary<infer V> ? V : never;

  function build(invoices: Arbitrary<typeof invoicesArb>, credits: Arbitrary<typeof creditsArb>): ReconciliationInput {
    return {
      invoices: invoices.map((spec, i) =>
        invoice(`I${i + 1}`, {
          number: `INV-${String(spec.n).padStart(6, '0')}`,
          amount: spec.amount,
          customerName: spec.customer,
          customerIban: null,
        }),
      ),
      credits: credits.map((spec, i) =>
        credit(`T${i + 1}`, {
          amount: spec.amount,
          counterpartyName: spec.payer,
          counterpartyIban: null,
          bookingDate: `2026-04-${String(spec.day).padStart(2, '0')}`,
          remittanceUnstructured: spec.withReference ? `INV-${String(spec.n).padStart(6, '0')}` : 'VIREMENT',
        }),
      ),
    };
  }

  function cents(value: string): bigint {
    const [units, fraction] = value.split('.');
    return BigInt(units) * 100n + BigInt(fraction);
  }

  it('never allocates more to an invoice than its amount', () => {
    fc.assert(
      fc.property(invoicesArb, creditsArb, (invoices, credits) => {
        const input = build(invoices, credits);
        const result = reconcile(input);
        const allocated = new Map<string, bigint>();
        for (const link of result.links) {
          for (const allocation of link.allocations) {
            allocated.set(allocation.invoiceId, (allocated.get(allocation.invoiceId) ?? 0n) + cents(allocation.amount));
          }
        }
        for (const spec of input.invoices) expect(allocated.get(spec.id) ?? 0n).toBeLessThanOrEqual(cents(spec.amount));
      }),
    );
  });

  it('gives the same links when run twice on the same input', () => {
    fc.assert(
      fc.property(invoicesArb, creditsArb, (invoices, credits) => {
        const input = build(invoices, credits);
        expect(reconcile(input)).toEqual(reconcile(input));
      }),
    );
  });

  it('keeps existing links when an unrelated credit arrives', () => {
    fc.assert(
      fc.property(invoicesArb, creditsArb, amount, (invoices, credits, extra) => {
        const input = build(invoices, credits);
        const unrelated = credit('T-unrelated', {
          amount: extra,
          counterpartyName: 'LOYER SCI LES TILLEULS',
          counterpartyIban: null,
          remittanceUnstructured: 'LOYER MARS',
        });
        const before = reconcile(input).links;
        const after = reconcile({ ...input, credits: [...input.credits, unrelated] }).links;
        expect(after).toEqual(before);
      }),
    );
  });
});

describe('settling payments of payers the owner confirmed before', () => {
  const CHEVALIER = 'Fromagerie Chevalier SAS';
  const chevalier = (id: string, over: Partial<OpenInvoice> = {}): OpenInvoice =>
    invoice(id, { customerName: CHEVALIER, customerIban: null, ...over });
  const fromChevalier = (id: string, over: Partial<BankCredit> = {}): BankCredit =>
    credit(id, {
      counterpartyName: 'FROMAGERIE CHEVALIER SAS',
      counterpartyIban: GARNIER_IBAN,
      remittanceUnstructured: 'VIREMENT',
      ...over,
    });
  const knownByIban = {
    knownPayers: [{ payerIban: GARNIER_IBAN, payerName: 'FROMAGERIE CHEVALIER SAS', customerName: CHEVALIER }],
  };
  const knownByName = {
    knownPayers: [{ payerIban: null, payerName: 'FROMAGERIE CHEVALIER SAS', customerName: CHEVALIER }],
  };

  it('stays a suggestion without the history, however well the amount and the name agree', () => {
    const result = run({
      invoices: [chevalier('I1', { amount: '480.00' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '480.00' })],
    });
    expect(onlyLink(result, 'T1').decision).toBe('SUGGESTED');
  });

  it.each([
    ['its IBAN', knownByIban, {}],
    [
      'its name with the legal form moved',
      knownByName,
      { counterpartyName: 'SAS FROMAGERIE CHEVALIER', counterpartyIban: null },
    ],
    [
      'its name without accents or legal form, "STE" in front',
      knownByName,
      { counterpartyName: 'STE FROMAGERIE CHEVALIER', counterpartyIban: null },
    ],
    ['its name cut at 18 characters', knownByName, { counterpartyName: 'FROMAGERIE CHEVALI', counterpartyIban: null }],
  ])('auto-confirms the one open invoice of that amount when the payer is recognised by %s', (_, memory, payer) => {
    const result = run({
      invoices: [chevalier('I1', { amount: '480.00' }), chevalier('I2', { amount: '120.00' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '480.00', ...payer })],
      memory,
    });
    expect(onlyLink(result, 'T1')).toMatchObject({
      decision: 'AUTO_CONFIRMED',
      allocations: [{ invoiceId: 'I1', amount: '480.00' }],
    });
  });

  it('reads the customer of the history as the invoices name it, unless that names two customers', () => {
    const history = {
      knownPayers: [{ payerIban: GARNIER_IBAN, payerName: null, customerName: 'FROMAGERIE CHEVALIER' }],
    };
    const input = {
      invoices: [chevalier('I1', { amount: '480.00' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '480.00' })],
      memory: history,
    };
    expect(onlyLink(run(input), 'T1').decision).toBe('AUTO_CONFIRMED');
    const twoCustomers = {
      ...input,
      invoices: [
        ...input.invoices,
        invoice('I2', { customerName: 'Fromagerie Chevalier SA', customerIban: null, amount: '75.00' }),
      ],
    };
    expect(onlyLink(run(twoCustomers), 'T1').decision).toBe('SUGGESTED');
  });

  it('suggests when two open invoices of that customer have the amount', () => {
    const result = run({
      invoices: [chevalier('I1', { amount: '480.00' }), chevalier('I2', { amount: '480.00' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '480.00' })],
      memory: knownByIban,
    });
    expect(onlyLink(result, 'T1').decision).toBe('SUGGESTED');
  });

  it('auto-confirms the one combination of open invoices the amount pays, and suggests when two would', () => {
    const invoices = [
      chevalier('I1', { amount: '300.00' }),
      chevalier('I2', { amount: '180.00' }),
      chevalier('I3', { amount: '95.00' }),
      ...noise(5),
    ];
    const one = run({ invoices, credits: [fromChevalier('T1', { amount: '480.00' })], memory: knownByIban });
    expect(invoiceIds(onlyLink(one, 'T1')).sort()).toEqual(['I1', 'I2']);
    expect(onlyLink(one, 'T1').decision).toBe('AUTO_CONFIRMED');
    const two = run({
      invoices: [...invoices, chevalier('I4', { amount: '205.00' }), chevalier('I5', { amount: '180.00' })],
      credits: [fromChevalier('T1', { amount: '480.00' })],
      memory: knownByIban,
    });
    expect(linksOf(two, 'T1').every((link) => link.decision === 'SUGGESTED')).toBe(true);
  });

  it("auto-confirms with a write-off when the bank took its charges from a known payer's payment", () => {
    const result = run({
      invoices: [chevalier('I1', { amount: '480.00' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '477.50' })],
      memory: knownByIban,
    });
    expect(onlyLink(result, 'T1').decision).toBe('AUTO_CONFIRMED');
    expect(result.writeOffs).toEqual([
      { transactionId: 'T1', invoiceId: 'I1', amount: '2.50', reason: 'UNDERPAYMENT_WITHIN_TOLERANCE' },
    ]);
  });

  it('prefers the invoice paid to the cent to one the bank charges would explain', () => {
    const result = run({
      invoices: [chevalier('I1', { amount: '480.00' }), chevalier('I2', { amount: '477.50' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '477.50' })],
      memory: knownByIban,
    });
    expect(onlyLink(result, 'T1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I2' }] });
  });

  it('suggests when the name fits another customer better than the payer the owner confirmed', () => {
    // "FROMAGERIE CHEVALIER" without a legal form is the customer of that exact name, not surely the SAS.
    const result = run({
      invoices: [
        chevalier('I1', { amount: '480.00' }),
        invoice('I2', { customerName: 'Fromagerie Chevalier', customerIban: null, amount: '75.00' }),
        ...noise(5),
      ],
      credits: [
        fromChevalier('T1', { amount: '480.00', counterpartyName: 'FROMAGERIE CHEVALIER', counterpartyIban: null }),
      ],
      memory: knownByName,
    });
    expect(onlyLink(result, 'T1')).toMatchObject({ decision: 'SUGGESTED', allocations: [{ invoiceId: 'I1' }] });
  });

  it("suggests when a payer known by name pays from an IBAN printed on another customer's invoices", () => {
    const result = run({
      invoices: [
        chevalier('I1', { amount: '480.00' }),
        invoice('I2', { customerName: 'Laiterie Garnier', customerIban: GARNIER_IBAN, amount: '75.00' }),
        ...noise(5),
      ],
      credits: [fromChevalier('T1', { amount: '480.00' })],
      memory: knownByName,
    });
    expect(onlyLink(result, 'T1').decision).toBe('SUGGESTED');
  });

  it('suggests when the payer quotes another of its own invoices', () => {
    const result = run({
      invoices: [chevalier('I1', { amount: '480.00' }), chevalier('I2', { amount: '120.00' }), ...noise(5)],
      credits: [fromChevalier('T1', { amount: '480.00', remittanceUnstructured: 'FACTURE INV-000002' })],
      memory: knownByIban,
    });
    expect(linksOf(result, 'T1').every((link) => link.decision === 'SUGGESTED')).toBe(true);
  });

  it("auto-confirms the payer's own invoice when it quotes, one digit off, another customer's invoice", () => {
    const result = run({
      invoices: [
        chevalier('I41', { amount: '480.00' }),
        invoice('I42', { customerName: 'Pharmacie Centrale', customerIban: null, amount: '95.00' }),
        ...noise(5),
      ],
      credits: [fromChevalier('T1', { amount: '480.00', remittanceUnstructured: 'FACTURE INV-000042' })],
      memory: knownByIban,
    });
    expect(onlyLink(result, 'T1')).toMatchObject({ decision: 'AUTO_CONFIRMED', allocations: [{ invoiceId: 'I41' }] });
  });
});

describe('never auto-confirming money beyond what is owed', () => {
  it('reports a third instalment that takes the invoice above its amount, even with a perfect reference', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '1000.00' }), ...noise(5)],
      credits: [
        credit('T1', { amount: '400.00', bookingDate: '2026-03-05', remittanceUnstructured: 'INV-000001 acompte 1' }),
        credit('T2', { amount: '400.00', bookingDate: '2026-04-05', remittanceUnstructured: 'INV-000001 acompte 2' }),
        credit('T3', { amount: '400.00', bookingDate: '2026-05-05', remittanceUnstructured: 'INV-000001 solde' }),
      ],
    });
    expect(onlyLink(result, 'T1').decision).toBe('AUTO_CONFIRMED');
    expect(onlyLink(result, 'T2').decision).toBe('AUTO_CONFIRMED');
    const third = onlyLink(result, 'T3');
    expect(third.decision).toBe('SUGGESTED');
    expect(third.signals.map((signal) => signal.kind)).toContain('OVERPAYMENT');
    expect(result.overpayments).toEqual([
      { transactionId: 'T3', invoiceId: 'I1', amount: '200.00', reason: 'POSSIBLE_DUPLICATE' },
    ]);
  });

  it('does not auto-confirm a second transfer of the same instalment days after the first', () => {
    const result = run({
      invoices: [invoice('I1', { amount: '1000.00' }), ...noise(5)],
      credits: [
        credit('T1', { amount: '400.00', bookingDate: '2026-03-05', remittanceUnstructured: 'INV-000001 acompte' }),
        credit('T2', { amount: '400.00', bookingDate: '2026-03-07', remittanceUnstructured: 'INV-000001 acompte' }),
      ],
    });
    expect(onlyLink(result, 'T1').decision).toBe('AUTO_CONFIRMED');
    const second = onlyLink(result, 'T2');
    expect(second.decision).toBe('SUGGESTED');
    expect(second.signals.map((signal) => signal.kind)).toContain('POSSIBLE_DUPLICATE');
  });

  it('settles a card payment of a customer the processor names as the invoice does, and never one beyond the invoice', () => {
    const payout: PayoutReport = {
      payoutId: 'po_7',
      arrivalDate: '2026-03-20',
      amount: '258.00',
      currency: 'EUR',
      items: [
        {
          chargeId: 'ch_1',
          invoiceNumber: null,
          customerName: 'Fromagerie Chevalier SAS',
          description: 'Payment',
          gross: '120.00',
          fee: '-1.00',
          net: '119.00',
        },
        {
          chargeId: 'ch_2',
          invoiceNumber: 'INV-000002',
          customerName: null,
          description: 'Payment',
          gross: '140.00',
          fee: '-1.00',
          net: '139.00',
        },
      ],
    };
    const result = run({
      invoices: [
        invoice('I1', { customerName: 'Fromagerie Chevalier SAS', amount: '120.00' }),
        invoice('I2', { customerName: 'Atelier Moreau', amount: '140.00', amountPaid: '100.00' }),
        ...noise(5),
      ],
      credits: [
        credit('T1', {
          amount: '258.00',
          counterpartyName: 'STRIPE',
          counterpartyIban: null,
          remittanceUnstructured: 'STRIPE po_7',
        }),
      ],
      payouts: [payout],
    });
    const decided = Object.fromEntries(linksOf(result, 'T1').map((link) => [link.decision, invoiceIds(link)]));
    expect(decided).toEqual({ AUTO_CONFIRMED: ['I1'], SUGGESTED: ['I2'] });
  });
});
