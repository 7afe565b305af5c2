import Decimal from 'decimal.js';
import type { Response, Router } from 'express';
import { bankBase } from './bank-context';
import { type VisibleEntry, decimalString } from './ledger';
import { type SandboxAccount, isoDate } from './seed-data';
import { BERLIN_GROUP_PAGE_SIZE, type BgBank, BgError, type BgRequest, href, parseDate } from './berlin-group.shared';
import { authorise } from './berlin-group.consents';

/** Berlin Group accounts, balances and transactions (read under a valid consent). */

function balancesJson(bg: BgBank, account: SandboxAccount) {
  const { ledger } = bg.ctx;
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

function listAccounts(bg: BgBank, req: BgRequest, res: Response): void {
  const { ledger } = bg.ctx;
  const { slug } = bg;
  const consent = authorise(bg, req, 'accounts', undefined, true);
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
        ...(withBalance && canSeeBalances ? { balances: balancesJson(bg, account) } : {}),
        _links: {
          ...(canSeeBalances ? { balances: href(`${base}/v1/accounts/${account.resourceId}/balances`) } : {}),
          ...(canSeeTransactions
            ? { transactions: href(`${base}/v1/accounts/${account.resourceId}/transactions`) }
            : {}),
        },
      };
    });
  res.json({ accounts });
}

function readAccount(bg: BgBank, req: BgRequest, res: Response): void {
  const { ledger } = bg.ctx;
  const { slug } = bg;
  authorise(bg, req, 'accounts', req.params.accountId, true);
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
}

function readBalances(bg: BgBank, req: BgRequest, res: Response): void {
  const { ledger } = bg.ctx;
  const { slug } = bg;
  authorise(bg, req, 'balances', req.params.accountId, true);
  const account = ledger.account(slug, req.params.accountId) as SandboxAccount;
  res.json({ account: { iban: account.iban, currency: account.currency }, balances: balancesJson(bg, account) });
}

function transactionJson(visible: VisibleEntry, currency: string) {
  const { entry, status, id } = visible;
  const credit = entry.amount.isPositive();
  const party = entry.counterpartyName
    ? credit
      ? {
          debtorName: entry.counterpartyName,
          ...(entry.counterpartyIban ? { debtorAccount: { iban: entry.counterpartyIban } } : {}),
        }
      : {
          creditorName: entry.counterpartyName,
          ...(entry.counterpartyIban ? { creditorAccount: { iban: entry.counterpartyIban } } : {}),
        }
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

function readTransactions(bg: BgBank, req: BgRequest, res: Response): void {
  const { ledger, now } = bg.ctx;
  const { slug } = bg;
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
  authorise(bg, req, 'transactions', req.params.accountId, pageIndex === 0);
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
}

export function accountRoutes(api: Router, bg: BgBank): void {
  api.get('/accounts', (req, res) => listAccounts(bg, req, res));
  api.get('/accounts/:accountId', (req, res) => readAccount(bg, req, res));
  api.get('/accounts/:accountId/balances', (req, res) => readBalances(bg, req, res));
  api.get('/accounts/:accountId/transactions', (req, res) => readTransactions(bg, req, res));
}
