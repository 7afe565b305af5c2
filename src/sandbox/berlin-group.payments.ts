import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { isValidIBAN } from 'ibantools';
import type { Request, Response, Router } from 'express';
import { bankBase } from './bank-context';
import { decimalString } from './ledger';
import { renderScaPage, serveScaPage, withQuery } from './sca-page';
import { type SandboxAccount } from './seed-data';
import {
  type AccountReference,
  type BgBank,
  BgError,
  type BgRequest,
  type Payment,
  absoluteUri,
  href,
} from './berlin-group.shared';

/** Berlin Group SEPA credit transfers: initiation (idempotent on X-Request-ID), status and the SCA page. */

function paymentStatus(bg: BgBank, payment: Payment): string {
  const { ledger, now } = bg.ctx;
  if (payment.status !== 'ACSP' || !payment.authorisedAt) return payment.status;
  return now() >= ledger.settlementTime(payment.authorisedAt) ? 'ACSC' : 'ACSP';
}

function paymentLinks(req: Request, payment: Payment) {
  const base = `${bankBase(req)}/v1/payments/sepa-credit-transfers/${payment.id}`;
  return {
    scaRedirect: href(`${bankBase(req)}/sca/payments/${payment.authorisationId}`),
    self: href(base),
    status: href(`${base}/status`),
    scaStatus: href(`${base}/authorisations/${payment.authorisationId}`),
  };
}

function requireProduct(req: Request): void {
  if (req.params.paymentProduct !== 'sepa-credit-transfers') {
    throw new BgError(404, 'PRODUCT_UNKNOWN', 'Only sepa-credit-transfers is offered');
  }
}

function findPayment(bg: BgBank, id: string): Payment {
  const { payments } = bg;
  const payment = payments.get(id);
  if (!payment) throw new BgError(403, 'RESOURCE_UNKNOWN', 'No payment with this id');
  return payment;
}

function initiatePayment(bg: BgBank, req: BgRequest, res: Response): void {
  const { ledger } = bg.ctx;
  const { slug, payments, paymentsByRequestId } = bg;
  requireProduct(req);
  const requestId = req.get('X-Request-ID') as string;
  // Idempotent on X-Request-ID: a retried initiation returns the payment the first call created.
  const replayed = paymentsByRequestId.get(requestId);
  const existing = replayed ? payments.get(replayed) : undefined;
  if (existing) {
    res
      .status(201)
      .set('Location', paymentLinks(req, existing).self.href)
      .set('ASPSP-SCA-Approach', 'REDIRECT')
      .json({
        transactionStatus: paymentStatus(bg, existing),
        paymentId: existing.id,
        _links: paymentLinks(req, existing),
      });
    return;
  }
  const redirectUri = absoluteUri(req.get('TPP-Redirect-URI'), 'TPP-Redirect-URI');
  if (!redirectUri) throw new BgError(400, 'FORMAT_ERROR', 'TPP-Redirect-URI is required (redirect SCA approach)');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const debtorIban = (body.debtorAccount as AccountReference | undefined)?.iban?.replace(/\s+/g, '');
  const creditorIban = (body.creditorAccount as AccountReference | undefined)?.iban?.replace(/\s+/g, '');
  const instructed = body.instructedAmount as { currency?: unknown; amount?: unknown } | undefined;
  if (!debtorIban || !isValidIBAN(debtorIban)) throw new BgError(400, 'FORMAT_ERROR', 'debtorAccount.iban is invalid');
  if (!creditorIban || !isValidIBAN(creditorIban)) {
    throw new BgError(400, 'FORMAT_ERROR', 'creditorAccount.iban is invalid');
  }
  if (typeof body.creditorName !== 'string' || body.creditorName.trim() === '') {
    throw new BgError(400, 'FORMAT_ERROR', 'creditorName is required');
  }
  if (instructed?.currency !== 'EUR') throw new BgError(400, 'FORMAT_ERROR', 'instructedAmount.currency must be EUR');
  if (typeof instructed.amount !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(instructed.amount)) {
    throw new BgError(400, 'FORMAT_ERROR', 'instructedAmount.amount must be a decimal string with at most 2 decimals');
  }
  const amount = new Decimal(instructed.amount);
  if (amount.lte(0)) throw new BgError(400, 'FORMAT_ERROR', 'instructedAmount.amount must be positive');
  const debtor = ledger.accountByIban(debtorIban);
  if (!debtor || debtor.bankSlug !== slug) {
    throw new BgError(400, 'FORMAT_ERROR', 'debtorAccount is not an account of this bank');
  }
  const payment: Payment = {
    id: randomUUID(),
    requestId,
    body,
    debtorIban,
    creditorIban,
    creditorName: body.creditorName,
    amount,
    currency: 'EUR',
    remittanceUnstructured:
      typeof body.remittanceInformationUnstructured === 'string' ? body.remittanceInformationUnstructured : undefined,
    endToEndId: typeof body.endToEndIdentification === 'string' ? body.endToEndIdentification : undefined,
    status: 'RCVD',
    redirectUri,
    nokRedirectUri: absoluteUri(req.get('TPP-Nok-Redirect-URI'), 'TPP-Nok-Redirect-URI'),
    authorisationId: randomUUID(),
  };
  payments.set(payment.id, payment);
  paymentsByRequestId.set(requestId, payment.id);
  res
    .status(201)
    .set('Location', paymentLinks(req, payment).self.href)
    .set('ASPSP-SCA-Approach', 'REDIRECT')
    .json({ transactionStatus: payment.status, paymentId: payment.id, _links: paymentLinks(req, payment) });
}

function readPayment(bg: BgBank, req: BgRequest, res: Response): void {
  requireProduct(req);
  const payment = findPayment(bg, req.params.paymentId);
  res.json({ ...payment.body, transactionStatus: paymentStatus(bg, payment) });
}

function readPaymentStatus(bg: BgBank, req: BgRequest, res: Response): void {
  requireProduct(req);
  res.json({ transactionStatus: paymentStatus(bg, findPayment(bg, req.params.paymentId)) });
}

/** Berlin Group 1.3 §5.6: a payment not yet authorised is cancelled at once; after SCA it is the bank's to execute. */
function cancelPayment(bg: BgBank, req: BgRequest, res: Response): void {
  requireProduct(req);
  const payment = findPayment(bg, req.params.paymentId);
  if (payment.status !== 'RCVD' && payment.status !== 'CANC') {
    throw new BgError(
      405,
      'CANCELLATION_INVALID',
      `The payment is ${paymentStatus(bg, payment)} and can no longer be cancelled`,
    );
  }
  payment.status = 'CANC';
  res.status(204).end();
}

function readPaymentAuthorisation(bg: BgBank, req: BgRequest, res: Response): void {
  requireProduct(req);
  const payment = findPayment(bg, req.params.paymentId);
  if (payment.authorisationId !== req.params.authorisationId) {
    throw new BgError(403, 'RESOURCE_UNKNOWN', 'No such authorisation');
  }
  res.json({ scaStatus: payment.status === 'RCVD' ? 'received' : payment.status === 'RJCT' ? 'failed' : 'finalised' });
}

function paymentDetails(payment: Payment): [string, string][] {
  return [
    ['Amount', decimalString(payment.amount)],
    ['Currency', payment.currency],
    ['Payee', payment.creditorName],
    ['Payee IBAN', payment.creditorIban],
    ['From account', payment.debtorIban],
    ...(payment.remittanceUnstructured ? [['Reference', payment.remittanceUnstructured] as [string, string]] : []),
  ];
}

/** The payment’s SCA page: only the payer decides; approving executes the transfer. */
export function servePaymentScaPage(router: Router, bg: BgBank): void {
  const { payments } = bg;
  const { bank, ledger, now } = bg.ctx;
  serveScaPage(router, bank.name, {
    path: '/sca/payments/:id',
    find: (authorisationId) => [...payments.values()].find((p) => p.authorisationId === authorisationId),
    notFound: 'Unknown payment.',
    title: 'Confirm this SEPA credit transfer',
    details: paymentDetails,
    openStatus: 'RCVD',
    noun: 'payment',
    onLocked: (payment) => {
      payment.status = 'RJCT';
    },
    onAuthenticated: (payment, { psu, decision }, res, page) => {
      const debtor = ledger.accountByIban(payment.debtorIban) as SandboxAccount;
      // Only the payer decides: another customer of the bank may neither approve nor deny this payment.
      if (debtor.psuId !== psu.id) {
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
          withQuery(payment.nokRedirectUri ?? payment.redirectUri, { paymentId: payment.id, error: 'access_denied' }),
        );
        return;
      }
      const authorisedAt = now();
      payment.status = ledger.executeOrReject({
        debtor,
        creditorIban: payment.creditorIban,
        creditorName: payment.creditorName,
        amount: payment.amount,
        remittanceUnstructured: payment.remittanceUnstructured,
        endToEndId: payment.endToEndId,
        paymentId: payment.id,
        authorisedAt,
      });
      if (payment.status === 'ACSP') payment.authorisedAt = authorisedAt;
      res.redirect(302, withQuery(payment.redirectUri, { paymentId: payment.id }));
    },
  });
}

export function paymentRoutes(api: Router, bg: BgBank): void {
  api.post('/payments/:paymentProduct', (req, res) => initiatePayment(bg, req, res));
  api.get('/payments/:paymentProduct/:paymentId', (req, res) => readPayment(bg, req, res));
  api.get('/payments/:paymentProduct/:paymentId/status', (req, res) => readPaymentStatus(bg, req, res));
  api.delete('/payments/:paymentProduct/:paymentId', (req, res) => cancelPayment(bg, req, res));
  api.get('/payments/:paymentProduct/:paymentId/authorisations/:authorisationId', (req, res) =>
    readPaymentAuthorisation(bg, req, res),
  );
}
