import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { isValidIBAN } from 'ibantools';
import type { Request, Response, Router } from 'express';
import { bankBase } from './bank-context';
import { decimalString } from './ledger';
import { renderScaPage, serveScaPage, withQuery } from './sca-page';
import { type SandboxAccount } from './seed-data';
import { type PaymentRequest, type StetBank, StetError, type StetRequest } from './stet.shared';
import { bearer } from './stet.oauth';
import { hal } from './stet.accounts';

/** STET payment requests (pisp scope): creation, the PSU’s approval at the bank, the PISP’s confirmation. */

function paymentStatus(st: StetBank, payment: PaymentRequest): string {
  const { ledger, now } = st.ctx;
  if (payment.status === 'ACSP' && payment.confirmedAt && now() >= ledger.settlementTime(payment.confirmedAt))
    return 'ACSC';
  return payment.status;
}

function paymentJson(st: StetBank, req: Request, payment: PaymentRequest) {
  const status = paymentStatus(st, payment);
  const transactions = (payment.body.creditTransferTransaction as Record<string, unknown>[]).map((t) => ({
    ...t,
    ...(status === 'RCVD' || status === 'ACCP' ? {} : { transactionStatus: status }),
  }));
  const base = `${bankBase(req)}/payment-requests/${payment.id}`;
  return {
    paymentRequest: {
      ...payment.body,
      resourceId: payment.id,
      ...(payment.debtorIban ? { debtorAccount: { iban: payment.debtorIban } } : {}),
      paymentInformationStatus: status,
      ...(status === 'RJCT' ? { statusReasonInformation: 'CUST' } : {}),
      creditTransferTransaction: transactions,
    },
    _links: {
      request: { href: base },
      confirmation: { href: `${base}/confirmation` },
    },
  };
}

function created(req: Request, res: Response, payment: PaymentRequest): void {
  res.set('Location', `${bankBase(req)}/payment-requests/${payment.id}`);
  hal(res, 201, {
    appliedAuthenticationApproach: 'REDIRECT',
    _links: { consentApproval: { href: `${bankBase(req)}/sca/payment-requests/${payment.id}` } },
  });
}

function amountOf(value: unknown): Decimal {
  // Parsed tolerantly: STET 1.5's schema says number, real STET banks send decimal strings.
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(text) || new Decimal(text).lte(0)) {
    throw new StetError(
      400,
      'FORMAT_ERROR',
      'instructedAmount.amount must be a positive amount with at most 2 decimals',
    );
  }
  return new Decimal(text);
}

function createPaymentRequest(st: StetBank, req: StetRequest, res: Response): void {
  const { ledger } = st.ctx;
  const { slug, payments, paymentsByRequestId } = st;
  bearer(st, req, 'pisp');
  const requestId = req.get('X-Request-ID') as string;
  // Idempotent on X-Request-ID, as on the Berlin Group banks: a retried creation returns the first payment.
  const replayed = paymentsByRequestId.get(requestId);
  const existing = replayed ? payments.get(replayed) : undefined;
  if (existing) {
    created(req, res, existing);
    return;
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  const transactions = body.creditTransferTransaction;
  if (!Array.isArray(transactions) || transactions.length !== 1) {
    throw new StetError(400, 'FORMAT_ERROR', 'exactly one creditTransferTransaction is supported');
  }
  const transaction = transactions[0] as Record<string, unknown>;
  const beneficiary = (transaction.beneficiary ?? body.beneficiary) as
    { creditor?: { name?: string }; creditorAccount?: { iban?: string } } | undefined;
  const creditorIban = beneficiary?.creditorAccount?.iban?.replace(/\s+/g, '');
  if (!creditorIban || !isValidIBAN(creditorIban))
    throw new StetError(400, 'FORMAT_ERROR', 'beneficiary.creditorAccount.iban is invalid');
  if (!beneficiary?.creditor?.name) throw new StetError(400, 'FORMAT_ERROR', 'beneficiary.creditor.name is required');
  const instructed = transaction.instructedAmount as { amount?: unknown; currency?: unknown } | undefined;
  if (instructed?.currency !== 'EUR') throw new StetError(400, 'FORMAT_ERROR', 'instructedAmount.currency must be EUR');
  const amount = amountOf(instructed.amount);
  const debtorIban = (body.debtorAccount as { iban?: string } | undefined)?.iban?.replace(/\s+/g, '');
  if (debtorIban) {
    const debtor = ledger.accountByIban(debtorIban);
    if (!debtor || debtor.bankSlug !== slug)
      throw new StetError(400, 'FORMAT_ERROR', 'debtorAccount is not an account of this bank');
  }
  const supplementary = (body.supplementaryData ?? {}) as {
    successfulReportUrl?: string;
    unsuccessfulReportUrl?: string;
  };
  try {
    new URL(supplementary.successfulReportUrl ?? '');
  } catch {
    throw new StetError(
      400,
      'FORMAT_ERROR',
      'supplementaryData.successfulReportUrl must be an absolute URL (REDIRECT approach)',
    );
  }
  const remittance = transaction.remittanceInformation as { unstructured?: string[] } | undefined;
  const payment: PaymentRequest = {
    id: randomUUID(),
    requestId,
    body,
    debtorIban,
    creditorIban,
    creditorName: beneficiary.creditor.name,
    amount,
    remittance: remittance?.unstructured?.join(' '),
    endToEndId: (transaction.paymentId as { endToEndId?: string } | undefined)?.endToEndId,
    successfulReportUrl: supplementary.successfulReportUrl as string,
    unsuccessfulReportUrl: supplementary.unsuccessfulReportUrl,
    status: 'RCVD',
  };
  payments.set(payment.id, payment);
  paymentsByRequestId.set(requestId, payment.id);
  created(req, res, payment);
}

function findPayment(st: StetBank, id: string): PaymentRequest {
  const { payments } = st;
  const payment = payments.get(id);
  if (!payment) throw new StetError(404, 'NOT_FOUND', 'No such payment request');
  return payment;
}

function readPaymentRequest(st: StetBank, req: StetRequest, res: Response): void {
  bearer(st, req, 'pisp');
  hal(res, 200, paymentJson(st, req, findPayment(st, req.params.paymentRequestResourceId as string)));
}

/** STET 1.5 §5.4: after the PSU's consent at the bank, the PISP confirms and the bank executes the transfer. */
function confirmPaymentRequest(st: StetBank, req: StetRequest, res: Response): void {
  const { ledger, now } = st.ctx;
  bearer(st, req, 'pisp');
  const payment = findPayment(st, req.params.paymentRequestResourceId as string);
  if (payment.status !== 'ACCP' && payment.status !== 'ACSP') {
    throw new StetError(409, 'CONFLICT', `The payment request is ${payment.status}, not approved by the PSU`);
  }
  if (payment.status === 'ACCP') {
    const debtor = ledger.accountByIban(payment.debtorIban as string) as SandboxAccount;
    const confirmedAt = now();
    payment.status = ledger.executeOrReject({
      debtor,
      creditorIban: payment.creditorIban,
      creditorName: payment.creditorName,
      amount: payment.amount,
      remittanceUnstructured: payment.remittance,
      endToEndId: payment.endToEndId,
      paymentId: payment.id,
      authorisedAt: confirmedAt,
    });
    if (payment.status === 'ACSP') payment.confirmedAt = confirmedAt;
  }
  hal(res, 200, paymentJson(st, req, payment));
}

function paymentDetails(payment: PaymentRequest): [string, string][] {
  return [
    ['Amount', decimalString(payment.amount)],
    ['Currency', 'EUR'],
    ['Payee', payment.creditorName],
    ['Payee IBAN', payment.creditorIban],
    ...(payment.debtorIban ? [['From account', payment.debtorIban] as [string, string]] : []),
    ...(payment.remittance ? [['Reference', payment.remittance] as [string, string]] : []),
  ];
}

/** The payment request’s SCA page: only the payer decides; approving makes it ACCP, awaiting confirmation. */
export function servePaymentScaPage(router: Router, st: StetBank): void {
  const { bank, ledger } = st.ctx;
  const { slug, payments } = st;
  serveScaPage(router, bank.name, {
    path: '/sca/payment-requests/:id',
    find: (id) => payments.get(id),
    notFound: 'Unknown payment request.',
    title: 'Confirm this SEPA credit transfer',
    details: paymentDetails,
    openStatus: 'RCVD',
    noun: 'payment',
    onLocked: (payment) => {
      payment.status = 'RJCT';
    },
    onAuthenticated: (payment, { psu, decision }, res, page) => {
      // Only the payer decides: another customer of the bank may neither approve nor deny this payment.
      const own = ledger.accountsOf(slug, psu.id);
      const debtor = payment.debtorIban
        ? own.find((a) => a.iban === payment.debtorIban)
        : own.find((a) => a.kind === 'main');
      if (!debtor) {
        res
          .status(403)
          .type('html')
          .send(renderScaPage({ ...page, error: 'The debtor account is not held by this user.' }));
        return;
      }
      if (decision === 'deny') {
        payment.status = 'RJCT';
        res.redirect(
          302,
          withQuery(payment.unsuccessfulReportUrl ?? payment.successfulReportUrl, {
            paymentRequestResourceId: payment.id,
            error: 'access_denied',
          }),
        );
        return;
      }
      payment.debtorIban = debtor.iban;
      payment.status = 'ACCP';
      res.redirect(302, withQuery(payment.successfulReportUrl, { paymentRequestResourceId: payment.id }));
    },
  });
}

export function paymentRoutes(api: Router, st: StetBank): void {
  api.post('/payment-requests', (req, res) => createPaymentRequest(st, req, res));
  api.get('/payment-requests/:paymentRequestResourceId', (req, res) => readPaymentRequest(st, req, res));
  api.post('/payment-requests/:paymentRequestResourceId/confirmation', (req, res) =>
    confirmPaymentRequest(st, req, res),
  );
}
