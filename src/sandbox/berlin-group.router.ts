import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isValidIBAN } from 'ibantools';
import { type BankContext, type ConsentEnding, bankBase, bankRouter } from './bank-context';
import { apiFaults } from './faults';
import { type VisibleEntry, decimalString } from './ledger';
import { renderScaPage, serveScaPage, withQuery } from './sca-page';
import { DAY_MS, type SandboxAccount, isoDate } from './seed-data';

/**
 * A bank speaking Berlin Group NextGenPSD2 XS2A 1.3.x (specs/berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml) with
 * the redirect SCA approach.
 */

/** Transactions per page, small so that paging is exercised by every client. */
export const BERLIN_GROUP_PAGE_SIZE = 50;

type ConsentStatus = 'received' | 'rejected' | 'valid' | 'revokedByPsu' | 'expired' | 'terminatedByTpp';
type Resource = 'accounts' | 'balances' | 'transactions';

interface AccountReference {
  iban?: string;
  currency?: string;
}

interface AccountAccess {
  accounts?: AccountReference[];
  balances?: AccountReference[];
  transactions?: AccountReference[];
  availableAccounts?: string;
  availableAccountsWithBalance?: string;
  allPsd2?: string;
}

interface Consent {
  id: string;
  access: AccountAccess;
  recurringIndicator: boolean;
  validUntil: string;
  frequencyPerDay: number;
  status: ConsentStatus;
  createdAt: Date;
  lastActionDate: string;
  redirectUri: string;
  nokRedirectUri?: string;
  authorisationIds: string[];
  psuId?: string;
  /** Account resource ids per resource, fixed when the PSU approves. */
  grants?: Record<Resource, Set<string>>;
}

interface Payment {
  id: string;
  requestId: string;
  body: Record<string, unknown>;
  debtorIban: string;
  creditorIban: string;
  creditorName: string;
  amount: Decimal;
  currency: string;
  remittanceUnstructured?: string;
  endToEndId?: string;
  status: 'RCVD' | 'RJCT' | 'ACSP';
  authorisedAt?: Date;
  redirectUri: string;
  nokRedirectUri?: string;
  authorisationId: string;
}

class BgError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    text: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(text);
  }
}

function tppMessages(code: string, text?: string) {
  return { tppMessages: [{ category: 'ERROR', code, ...(text ? { text } : {}) }] };
}

/** Berlin Group error payloads; the spec defines no body for 500 and 503. */
function errorBody(status: number, code: string): unknown {
  return status >= 500 ? undefined : tppMessages(code);
}

function href(url: string): { href: string } {
  return { href: url };
}

function absoluteUri(value: string | undefined, header: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).toString();
  } catch {
    throw new BgError(400, 'FORMAT_ERROR', `${header} must be an absolute URI`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new BgError(400, 'FORMAT_ERROR', `${name} must be an ISO date (YYYY-MM-DD)`);
  }
  return value;
}

export function berlinGroupBank(ctx: BankContext): Router {
  const { bank, ledger, now, faults, access } = ctx;
  const slug = bank.slug;
  const consents = new Map<string, Consent>();
  const payments = new Map<string, Payment>();
  const paymentsByRequestId = new Map<string, string>();
  const router = bankRouter(ctx);

  const api = express.Router();
  router.use('/v1', apiFaults(faults, slug, errorBody), express.json(), api);
  router.use('/sca', express.urlencoded({ extended: false }));

  ctx.state.register(slug, {
    snapshot: () => ({ consents, payments, paymentsByRequestId }),
    restore: (data) => {
      const saved = data as { consents: Map<string, Consent>; payments: Map<string, Payment>; paymentsByRequestId: Map<string, string> };
      for (const [id, consent] of saved.consents) consents.set(id, consent);
      for (const [id, payment] of saved.payments) payments.set(id, payment);
      for (const [requestId, id] of saved.paymentsByRequestId) paymentsByRequestId.set(requestId, id);
    },
  });

  const live = (consent: Consent) => consent.status === 'valid' || consent.status === 'received';
  const ending = (how: ConsentEnding): ConsentStatus => (how === 'revoked' ? 'revokedByPsu' : 'expired');
  ctx.consents.set(slug, {
    end: (id, how) => {
      const consent = consents.get(id);
      if (!consent || !live(consent)) return false;
      consent.status = ending(how);
      return true;
    },
    endAllOf: (psuId, how) => {
      const ended = [...consents.values()].filter((c) => c.psuId === psuId && live(c));
      for (const consent of ended) consent.status = ending(how);
      return ended.length;
    },
  });

  api.use((req, _res, next) => {
    if (!req.get('X-Request-ID')) throw new BgError(400, 'FORMAT_ERROR', 'X-Request-ID header is required');
    next();
  });

  /** The consent's status now: validity runs out, and the bank may have expired or revoked it (fault knobs). */
  function refresh(consent: Consent): Consent {
    if (consent.status !== 'valid') return consent;
    const f = faults.get(slug);
    if (f.consentRevoked) consent.status = 'revokedByPsu';
    else if (f.consentExpired || isoDate(now()) > consent.validUntil) consent.status = 'expired';
    return consent;
  }

  function findConsent(id: string | undefined): Consent {
    const consent = id ? consents.get(id) : undefined;
    if (!consent) throw new BgError(403, 'CONSENT_UNKNOWN', 'No consent with this id at this bank');
    return refresh(consent);
  }

  /** The consent behind an AIS call, checked valid, with the unattended access budget applied. */
  function authorise(req: Request, resource: Resource, accountId: string | undefined, counted: boolean): Consent {
    const header = req.get('Consent-ID');
    if (!header) throw new BgError(400, 'FORMAT_ERROR', 'Consent-ID header is required');
    const consent = findConsent(header);
    switch (consent.status) {
      case 'valid':
        break;
      case 'expired':
        throw new BgError(401, 'CONSENT_EXPIRED', 'The consent has expired');
      case 'revokedByPsu':
        throw new BgError(401, 'CONSENT_INVALID', 'The consent was revoked by the PSU');
      case 'terminatedByTpp':
        throw new BgError(401, 'CONSENT_INVALID', 'The consent was terminated by the TPP');
      case 'rejected':
        throw new BgError(401, 'CONSENT_INVALID', 'The PSU rejected the consent');
      case 'received':
        throw new BgError(401, 'CONSENT_INVALID', 'The consent is not authorised yet');
    }
    if (accountId !== undefined) {
      const account = ledger.account(slug, accountId);
      if (!account || account.psuId !== consent.psuId) {
        throw new BgError(404, 'RESOURCE_UNKNOWN', 'No such account for this consent');
      }
      if (!consent.grants?.[resource].has(accountId)) {
        throw new BgError(401, 'CONSENT_INVALID', `The consent does not cover ${resource} of this account`);
      }
    }
    consent.lastActionDate = isoDate(now());
    // Berlin Group 1.3.x §6.3.1.1 and PSD2 RTS art. 36(5): only accesses without the PSU present (no PSU-IP-Address)
    // count against frequencyPerDay, per account and resource, per UTC day.
    if (counted && req.get('PSU-IP-Address') === undefined) {
      const allowed = access.tryAccess(
        { bank: slug, consent: consent.id, account: accountId ?? '*', resource, day: isoDate(now()) },
        consent.frequencyPerDay,
      );
      if (!allowed) {
        // The budget comes back at the next UTC midnight; saying so lets the TPP schedule instead of retrying.
        const secondsLeft = Math.ceil((DAY_MS - (now().getTime() % DAY_MS)) / 1000);
        throw new BgError(429, 'ACCESS_EXCEEDED', `More than ${consent.frequencyPerDay} unattended accesses today`, {
          'Retry-After': String(secondsLeft),
        });
      }
    }
    return consent;
  }

  function consentLinks(req: Request, consent: Consent) {
    const base = bankBase(req);
    return {
      // The SCA link names the authorisation, never the consent: the consent id is what AIS calls present (Consent-ID).
      scaRedirect: href(`${base}/sca/consents/${consent.authorisationIds[0]}`),
      self: href(`${base}/v1/consents/${consent.id}`),
      status: href(`${base}/v1/consents/${consent.id}/status`),
      scaStatus: href(`${base}/v1/consents/${consent.id}/authorisations/${consent.authorisationIds[0]}`),
    };
  }

  function scaStatusOf(consent: Consent): string {
    if (consent.status === 'received') return 'received';
    return consent.status === 'rejected' ? 'failed' : 'finalised';
  }

  api.post('/consents', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const redirectUri = absoluteUri(req.get('TPP-Redirect-URI'), 'TPP-Redirect-URI');
    if (!redirectUri) throw new BgError(400, 'FORMAT_ERROR', 'TPP-Redirect-URI is required (redirect SCA approach)');
    const nokRedirectUri = absoluteUri(req.get('TPP-Nok-Redirect-URI'), 'TPP-Nok-Redirect-URI');
    const accessBody = body.access;
    if (typeof accessBody !== 'object' || accessBody === null) throw new BgError(400, 'FORMAT_ERROR', 'access is required');
    const frequencyPerDay = body.frequencyPerDay;
    if (typeof frequencyPerDay !== 'number' || !Number.isInteger(frequencyPerDay) || frequencyPerDay < 1) {
      throw new BgError(400, 'FORMAT_ERROR', 'frequencyPerDay must be a positive integer');
    }
    if (typeof body.recurringIndicator !== 'boolean') {
      throw new BgError(400, 'FORMAT_ERROR', 'recurringIndicator is required');
    }
    const requested = parseDate(body.validUntil, 'validUntil');
    if (!requested) throw new BgError(400, 'FORMAT_ERROR', 'validUntil is required');
    const today = isoDate(now());
    if (requested < today) throw new BgError(400, 'PERIOD_INVALID', 'validUntil is in the past');
    // Berlin Group 1.3.x §6.3.1.1: 9999-12-31 asks for the maximum; the bank caps any date past its maximum.
    const maximum = isoDate(new Date(now().getTime() + bank.maxConsentDays * DAY_MS));
    const consent: Consent = {
      id: randomUUID(),
      access: accessBody as AccountAccess,
      recurringIndicator: body.recurringIndicator,
      validUntil: requested > maximum ? maximum : requested,
      frequencyPerDay,
      status: 'received',
      createdAt: now(),
      lastActionDate: today,
      redirectUri,
      nokRedirectUri,
      authorisationIds: [randomUUID()],
    };
    consents.set(consent.id, consent);
    res
      .status(201)
      .set('Location', `${bankBase(req)}/v1/consents/${consent.id}`)
      .set('ASPSP-SCA-Approach', 'REDIRECT')
      .json({ consentStatus: consent.status, consentId: consent.id, _links: consentLinks(req, consent) });
  });

  api.get('/consents/:consentId', (req, res) => {
    const consent = findConsent(req.params.consentId);
    res.json({
      access: consent.access,
      recurringIndicator: consent.recurringIndicator,
      validUntil: consent.validUntil,
      frequencyPerDay: consent.frequencyPerDay,
      lastActionDate: consent.lastActionDate,
      consentStatus: consent.status,
      _links: { account: href(`${bankBase(req)}/v1/accounts`) },
    });
  });

  api.get('/consents/:consentId/status', (req, res) => {
    res.json({ consentStatus: findConsent(req.params.consentId).status });
  });

  api.delete('/consents/:consentId', (req, res) => {
    const consent = findConsent(req.params.consentId);
    if (consent.status === 'valid' || consent.status === 'received') consent.status = 'terminatedByTpp';
    res.status(204).end();
  });

  api.post('/consents/:consentId/authorisations', (req, res) => {
    const consent = findConsent(req.params.consentId);
    const authorisationId = randomUUID();
    consent.authorisationIds.push(authorisationId);
    res
      .status(201)
      .set('ASPSP-SCA-Approach', 'REDIRECT')
      .json({
        scaStatus: scaStatusOf(consent),
        authorisationId,
        _links: {
          scaRedirect: href(`${bankBase(req)}/sca/consents/${authorisationId}`),
          scaStatus: href(`${bankBase(req)}/v1/consents/${consent.id}/authorisations/${authorisationId}`),
        },
      });
  });

  api.get('/consents/:consentId/authorisations', (req, res) => {
    res.json({ authorisationIds: findConsent(req.params.consentId).authorisationIds });
  });

  api.get('/consents/:consentId/authorisations/:authorisationId', (req, res) => {
    const consent = findConsent(req.params.consentId);
    if (!consent.authorisationIds.includes(req.params.authorisationId)) {
      throw new BgError(403, 'RESOURCE_UNKNOWN', 'No such authorisation');
    }
    res.json({ scaStatus: scaStatusOf(consent) });
  });

  function balancesJson(account: SandboxAccount) {
    const set = ledger.balances(account);
    const amount = (value: Decimal) => ({ currency: account.currency, amount: decimalString(value) });
    const lastChange = set.lastChangeDateTime.toISOString();
    return [
      { balanceType: 'closingBooked', balanceAmount: amount(set.closingBooked), referenceDate: set.closingBookedDate },
      { balanceType: 'interimBooked', balanceAmount: amount(set.interimBooked), lastChangeDateTime: lastChange },
      { balanceType: 'expected', balanceAmount: amount(set.expected), lastChangeDateTime: lastChange },
      {
        balanceType: 'interimAvailable',
        balanceAmount: amount(set.expected),
        creditLimitIncluded: false,
        lastChangeDateTime: lastChange,
      },
    ];
  }

  api.get('/accounts', (req, res) => {
    const consent = authorise(req, 'accounts', undefined, true);
    const withBalance = req.query.withBalance === 'true';
    const base = bankBase(req);
    const accounts = ledger
      .accountsOf(slug, consent.psuId as string)
      .filter((a) => consent.grants?.accounts.has(a.resourceId))
      .map((account) => {
        const canSeeBalances = consent.grants?.balances.has(account.resourceId) ?? false;
        const canSeeTransactions = consent.grants?.transactions.has(account.resourceId) ?? false;
        return {
          resourceId: account.resourceId,
          iban: account.iban,
          currency: account.currency,
          name: account.name,
          product: account.product,
          cashAccountType: account.cashAccountType,
          status: 'enabled',
          bic: account.bic.slice(0, 8),
          usage: 'ORGA',
          ownerName: account.ownerName,
          ...(withBalance && canSeeBalances ? { balances: balancesJson(account) } : {}),
          _links: {
            ...(canSeeBalances ? { balances: href(`${base}/v1/accounts/${account.resourceId}/balances`) } : {}),
            ...(canSeeTransactions
              ? { transactions: href(`${base}/v1/accounts/${account.resourceId}/transactions`) }
              : {}),
          },
        };
      });
    res.json({ accounts });
  });

  api.get('/accounts/:accountId', (req, res) => {
    authorise(req, 'accounts', req.params.accountId, true);
    const account = ledger.account(slug, req.params.accountId) as SandboxAccount;
    res.json({
      account: {
        resourceId: account.resourceId,
        iban: account.iban,
        currency: account.currency,
        name: account.name,
        product: account.product,
        cashAccountType: account.cashAccountType,
        ownerName: account.ownerName,
      },
    });
  });

  api.get('/accounts/:accountId/balances', (req, res) => {
    authorise(req, 'balances', req.params.accountId, true);
    const account = ledger.account(slug, req.params.accountId) as SandboxAccount;
    res.json({ account: { iban: account.iban, currency: account.currency }, balances: balancesJson(account) });
  });

  function transactionJson(visible: VisibleEntry, currency: string) {
    const { entry, status, id } = visible;
    const credit = entry.amount.isPositive();
    const party = entry.counterpartyName
      ? credit
        ? { debtorName: entry.counterpartyName, ...(entry.counterpartyIban ? { debtorAccount: { iban: entry.counterpartyIban } } : {}) }
        : { creditorName: entry.counterpartyName, ...(entry.counterpartyIban ? { creditorAccount: { iban: entry.counterpartyIban } } : {}) }
      : {};
    return {
      transactionId: id,
      ...(status === 'booked' ? { entryReference: entry.id, bookingDate: entry.bookingDate } : {}),
      ...(entry.endToEndId ? { endToEndId: entry.endToEndId } : {}),
      ...(entry.mandateId ? { mandateId: entry.mandateId } : {}),
      ...(entry.creditorId ? { creditorId: entry.creditorId } : {}),
      valueDate: entry.valueDate,
      transactionAmount: { currency, amount: decimalString(entry.amount) },
      ...party,
      ...(entry.remittanceUnstructured ? { remittanceInformationUnstructured: entry.remittanceUnstructured } : {}),
      // Berlin Group 1.3.11 models the structured remittance as an object; SCOR is ISO 20022's creditor reference.
      ...(entry.remittanceStructured
        ? { remittanceInformationStructured: { reference: entry.remittanceStructured, referenceType: 'SCOR' } }
        : {}),
      ...(entry.purposeCode ? { purposeCode: entry.purposeCode } : {}),
      bankTransactionCode: entry.bankTransactionCode,
      // Not in the 1.3.11 transaction schema (added for card transactions in 1.3.12); extra fields are allowed.
      ...(entry.merchantCategoryCode ? { merchantCategoryCode: entry.merchantCategoryCode } : {}),
    };
  }

  api.get('/accounts/:accountId/transactions', (req, res) => {
    const bookingStatus = req.query.bookingStatus;
    if (bookingStatus !== 'booked' && bookingStatus !== 'pending' && bookingStatus !== 'both') {
      throw new BgError(400, 'FORMAT_ERROR', 'bookingStatus must be booked, pending or both');
    }
    const dateFrom = parseDate(req.query.dateFrom, 'dateFrom');
    if (!dateFrom) throw new BgError(400, 'FORMAT_ERROR', 'dateFrom is required');
    const dateTo = parseDate(req.query.dateTo, 'dateTo') ?? isoDate(now());
    if (dateFrom > dateTo) throw new BgError(400, 'PERIOD_INVALID', 'dateFrom is after dateTo');
    const pageIndex = req.query.pageIndex === undefined ? 0 : Number(req.query.pageIndex);
    if (!Number.isInteger(pageIndex) || pageIndex < 0) throw new BgError(400, 'FORMAT_ERROR', 'pageIndex is invalid');
    // Following a next link continues one access: only the first page counts against frequencyPerDay.
    authorise(req, 'transactions', req.params.accountId, pageIndex === 0);
    const account = ledger.account(slug, req.params.accountId) as SandboxAccount;

    const matching = ledger
      .entries(account)
      .filter((v) => (bookingStatus === 'both' || v.status === bookingStatus) && v.date >= dateFrom && v.date <= dateTo);
    const page = matching.slice(pageIndex * BERLIN_GROUP_PAGE_SIZE, (pageIndex + 1) * BERLIN_GROUP_PAGE_SIZE);
    const base = bankBase(req);
    const pageUrl = (index: number) => {
      const params = new URLSearchParams({ bookingStatus, dateFrom, dateTo, pageIndex: String(index) });
      return `${base}/v1/accounts/${account.resourceId}/transactions?${params.toString()}`;
    };
    const lastPage = Math.max(0, Math.ceil(matching.length / BERLIN_GROUP_PAGE_SIZE) - 1);
    const booked = page.filter((v) => v.status === 'booked').map((v) => transactionJson(v, account.currency));
    const pending = page.filter((v) => v.status === 'pending').map((v) => transactionJson(v, account.currency));
    res.json({
      account: { iban: account.iban, currency: account.currency },
      transactions: {
        ...(bookingStatus !== 'pending' ? { booked } : {}),
        ...(bookingStatus !== 'booked' ? { pending } : {}),
        _links: {
          account: href(`${base}/v1/accounts/${account.resourceId}`),
          first: href(pageUrl(0)),
          last: href(pageUrl(lastPage)),
          ...(pageIndex > 0 ? { previous: href(pageUrl(Math.min(pageIndex - 1, lastPage))) } : {}),
          ...(pageIndex < lastPage ? { next: href(pageUrl(pageIndex + 1)) } : {}),
        },
      },
    });
  });

  function paymentStatus(payment: Payment): string {
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

  function findPayment(id: string): Payment {
    const payment = payments.get(id);
    if (!payment) throw new BgError(403, 'RESOURCE_UNKNOWN', 'No payment with this id');
    return payment;
  }

  api.post('/payments/:paymentProduct', (req, res) => {
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
        .json({ transactionStatus: paymentStatus(existing), paymentId: existing.id, _links: paymentLinks(req, existing) });
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
  });

  api.get('/payments/:paymentProduct/:paymentId', (req, res) => {
    requireProduct(req);
    const payment = findPayment(req.params.paymentId);
    res.json({ ...payment.body, transactionStatus: paymentStatus(payment) });
  });

  api.get('/payments/:paymentProduct/:paymentId/status', (req, res) => {
    requireProduct(req);
    res.json({ transactionStatus: paymentStatus(findPayment(req.params.paymentId)) });
  });

  api.get('/payments/:paymentProduct/:paymentId/authorisations/:authorisationId', (req, res) => {
    requireProduct(req);
    const payment = findPayment(req.params.paymentId);
    if (payment.authorisationId !== req.params.authorisationId) {
      throw new BgError(403, 'RESOURCE_UNKNOWN', 'No such authorisation');
    }
    res.json({ scaStatus: payment.status === 'RCVD' ? 'received' : payment.status === 'RJCT' ? 'failed' : 'finalised' });
  });

  function consentDetails(consent: Consent): [string, string][] {
    const a = consent.access;
    const scopes = a.allPsd2
      ? 'Accounts, balances and transactions of all accounts'
      : a.availableAccountsWithBalance
        ? 'List of accounts with balances'
        : a.availableAccounts
          ? 'List of accounts'
          : [
              a.accounts?.length ? `Accounts: ${a.accounts.map((r) => r.iban).join(', ')}` : '',
              a.balances?.length ? `Balances: ${a.balances.map((r) => r.iban).join(', ')}` : '',
              a.transactions?.length ? `Transactions: ${a.transactions.map((r) => r.iban).join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; ') || 'Accounts, balances and transactions of the accounts you choose';
    const days = Math.round((Date.parse(`${consent.validUntil}T00:00:00Z`) - Date.parse(`${isoDate(consent.createdAt)}T00:00:00Z`)) / DAY_MS);
    const readsTransactions = a.allPsd2 || a.transactions?.length || !(a.availableAccounts || a.availableAccountsWithBalance || a.accounts?.length || a.balances?.length);
    return [
      ['Access', scopes],
      ['Valid until', `${consent.validUntil} (${days} days)`],
      // Berlin Group 1.3.x consents carry no history window: the TPP picks dateFrom per read, within the bank's limit.
      ...(readsTransactions ? [['Transaction history', `up to the last ${bank.maxHistoryDays} days`] as [string, string]] : []),
      ['Unattended accesses per day', String(consent.frequencyPerDay)],
    ];
  }

  /** The resources a consent covers, resolved against the PSU's accounts when the PSU approves. */
  function grantsFor(consent: Consent, psuId: string): Record<Resource, Set<string>> {
    const owned = ledger.accountsOf(slug, psuId);
    const all = new Set(owned.map((a) => a.resourceId));
    const a = consent.access;
    const byIban = (refs: AccountReference[] | undefined) =>
      new Set(owned.filter((acc) => refs?.some((r) => r.iban?.replace(/\s+/g, '') === acc.iban)).map((acc) => acc.resourceId));
    const explicit = a.accounts?.length || a.balances?.length || a.transactions?.length;
    if (a.allPsd2 || !explicit) {
      if (a.availableAccounts && !a.allPsd2) return { accounts: all, balances: new Set(), transactions: new Set() };
      if (a.availableAccountsWithBalance && !a.allPsd2) return { accounts: all, balances: all, transactions: new Set() };
      return { accounts: all, balances: new Set(all), transactions: new Set(all) };
    }
    const balances = byIban(a.balances);
    const transactions = byIban(a.transactions);
    // Berlin Group 1.3.x §6.3.1.1: access to balances or transactions of an account implies access to the account.
    const accounts = new Set([...byIban(a.accounts), ...balances, ...transactions]);
    return { accounts, balances, transactions };
  }

  serveScaPage(router, bank.name, {
    path: '/sca/consents/:id',
    find: (authorisationId) => [...consents.values()].find((c) => c.authorisationIds.includes(authorisationId)),
    notFound: 'Unknown consent.',
    title: 'Authorise access to your accounts',
    details: consentDetails,
    openStatus: 'received',
    noun: 'consent',
    onLocked: (consent) => {
      consent.status = 'rejected';
    },
    onAuthenticated: (consent, { psu, decision }, res, page) => {
      if (decision === 'deny') {
        consent.status = 'rejected';
        res.redirect(302, withQuery(consent.nokRedirectUri ?? consent.redirectUri, { consentId: consent.id, error: 'access_denied' }));
        return;
      }
      const grants = grantsFor(consent, psu.id);
      if (grants.accounts.size === 0) {
        res.status(403).type('html').send(renderScaPage({ ...page, error: 'None of the requested accounts is held by this user.' }));
        return;
      }
      consent.psuId = psu.id;
      consent.grants = grants;
      consent.status = 'valid';
      res.redirect(302, withQuery(consent.redirectUri, { consentId: consent.id }));
    },
  });

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
        res.status(403).type('html').send(renderScaPage({ ...page, error: 'The debtor account is not held by this user.' }));
        return;
      }
      if (decision === 'deny') {
        payment.status = 'RJCT';
        res.redirect(302, withQuery(payment.nokRedirectUri ?? payment.redirectUri, { paymentId: payment.id, error: 'access_denied' }));
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

  router.use('/v1', (_req: Request, _res: Response, next: NextFunction) => {
    next(new BgError(404, 'RESOURCE_UNKNOWN', 'No such endpoint'));
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof BgError) {
      res.status(err.status).set(err.headers).json(tppMessages(err.code, err.message));
      return;
    }
    if (err instanceof SyntaxError) {
      res.status(400).json(tppMessages('FORMAT_ERROR', 'The body is not valid JSON'));
      return;
    }
    res.status(500).end();
  });

  return router;
}
