import Decimal from 'decimal.js';
import type { Response, Router } from 'express';
import { bankBase } from './bank-context';
import { type VisibleEntry, decimalString } from './ledger';
import { DAY_MS, type SandboxAccount, isoDate } from './seed-data';
import {
  DEFAULT_HISTORY_DAYS,
  HAL_JSON,
  STET_PAGE_SIZE,
  type Grant,
  type StetBank,
  StetError,
  type StetRequest,
  dateTime,
  parseDay,
} from './stet.shared';
import { bearer } from './stet.oauth';

/** STET accounts, balances and transactions (aisp scope). */

function ownAccount(st: StetBank, req: StetRequest, grant: Grant): SandboxAccount {
  const { ledger } = st.ctx;
  const { slug } = st;
  const account = ledger.account(slug, req.params.accountResourceId as string);
  if (!account || account.psuId !== grant.psuId) throw new StetError(404, 'NOT_FOUND', 'No such account');
  return account;
}

export function hal(res: Response, status: number, body: unknown): void {
  res.status(status).type(HAL_JSON).json(body);
}

function balancesJson(st: StetBank, account: SandboxAccount) {
  const { ledger } = st.ctx;
  const set = ledger.balances(account);
  const amount = (value: Decimal) => ({ amount: decimalString(value), currency: account.currency });
  const lastChange = set.lastChangeDateTime.toISOString();
  return [
    {
      name: 'Solde comptable',
      balanceType: 'CLBD',
      balanceAmount: amount(set.closingBooked),
      referenceDate: dateTime(set.closingBookedDate),
    },
    {
      name: 'Solde instantané',
      balanceType: 'OTHR',
      balanceAmount: amount(set.interimBooked),
      lastChangeDateTime: lastChange,
    },
    {
      name: 'Solde prévisionnel',
      balanceType: 'XPCD',
      balanceAmount: amount(set.expected),
      lastChangeDateTime: lastChange,
    },
  ];
}

function listAccounts(st: StetBank, req: StetRequest, res: Response): void {
  const { ledger } = st.ctx;
  const { slug } = st;
  const grant = bearer(st, req, 'aisp');
  const base = bankBase(req);
  const accounts = ledger.accountsOf(slug, grant.psuId as string).map((account) => ({
    resourceId: account.resourceId,
    bicFi: account.bic,
    accountId: { iban: account.iban, currency: account.currency },
    name: account.name,
    usage: 'ORGA',
    // ISO 20022 ExternalCashAccountType1Code, as French banks send it: STET 1.5 enumerates only CACC and CARD, but
    // a savings account listed as CACC would reach the TPP as a current account (contract.test.ts allows the list).
    cashAccountType: account.cashAccountType,
    product: account.product,
    currency: account.currency,
    // STET 1.5 `AccountResource.balances` (optional, minItems 1): the same balances as GET /accounts/{id}/balances,
    // so that an AISP reads every account's balances in this one call.
    balances: balancesJson(st, account),
    psuStatus: 'Account Holder',
    _links: {
      balances: { href: `${base}/accounts/${account.resourceId}/balances` },
      transactions: { href: `${base}/accounts/${account.resourceId}/transactions` },
    },
  }));
  hal(res, 200, { accounts, _links: { self: { href: `${base}/accounts` } } });
}

function readBalances(st: StetBank, req: StetRequest, res: Response): void {
  const account = ownAccount(st, req, bearer(st, req, 'aisp'));
  const base = `${bankBase(req)}/accounts`;
  hal(res, 200, {
    balances: balancesJson(st, account),
    _links: {
      self: { href: `${base}/${account.resourceId}/balances` },
      'parent-list': { href: base },
      transactions: { href: `${base}/${account.resourceId}/transactions` },
    },
  });
}

function transactionJson(visible: VisibleEntry) {
  const { entry, status, id } = visible;
  const credit = entry.amount.isPositive();
  const [domain, family, subFamily] = entry.bankTransactionCode.split('-');
  const party = entry.counterpartyName
    ? credit
      ? {
          debtor: { name: entry.counterpartyName },
          ...(entry.counterpartyIban ? { debtorAccount: { iban: entry.counterpartyIban } } : {}),
        }
      : {
          creditor: { name: entry.counterpartyName },
          ...(entry.counterpartyIban ? { creditorAccount: { iban: entry.counterpartyIban } } : {}),
        }
    : undefined;
  return {
    resourceId: id,
    ...(status === 'booked' ? { entryReference: entry.id } : {}),
    // STET 1.5: the amount is unsigned; creditDebitIndicator carries the direction.
    transactionAmount: { amount: decimalString(entry.amount.abs()), currency: 'EUR' },
    creditDebitIndicator: credit ? 'CRDT' : 'DBIT',
    status: status === 'booked' ? 'BOOK' : 'PDNG',
    ...(entry.endToEndId ? { endToEndId: entry.endToEndId } : {}),
    ...(status === 'booked'
      ? { bookingDate: dateTime(entry.bookingDate) }
      : { expectedBookingDate: dateTime(entry.bookingDate) }),
    valueDate: dateTime(entry.valueDate),
    transactionDate: entry.initiatedAt.toISOString(),
    bankTransactionCode: { domain, family, subFamily },
    ...(party ? { relatedParties: party } : {}),
    remittanceInformation: {
      ...(entry.remittanceUnstructured ? { unstructured: [entry.remittanceUnstructured] } : {}),
      ...(entry.remittanceStructured
        ? {
            structured: [
              { creditorReferenceInformation: { type: { code: 'SCOR' }, reference: entry.remittanceStructured } },
            ],
          }
        : {}),
    },
    ...(entry.merchantCategoryCode ? { merchantCategoryCode: entry.merchantCategoryCode } : {}),
  };
}

function readTransactions(st: StetBank, req: StetRequest, res: Response): void {
  const { ledger, now } = st.ctx;
  const account = ownAccount(st, req, bearer(st, req, 'aisp'));
  const dateFrom =
    parseDay(req.query.dateFrom, 'dateFrom') ?? isoDate(new Date(now().getTime() - DEFAULT_HISTORY_DAYS * DAY_MS));
  // STET 1.5 §4.7: dateTo is exclusive.
  const dateTo = parseDay(req.query.dateTo, 'dateTo') ?? isoDate(new Date(now().getTime() + DAY_MS));
  if (dateFrom >= dateTo) throw new StetError(400, 'FORMAT_ERROR', 'dateFrom must be before dateTo');
  const page = req.query.page === undefined ? 0 : Number(req.query.page);
  if (!Number.isInteger(page) || page < 0) throw new StetError(400, 'FORMAT_ERROR', 'page is invalid');
  const matching = ledger.entries(account).filter((v) => v.date >= dateFrom && v.date < dateTo);
  const lastPage = Math.max(0, Math.ceil(matching.length / STET_PAGE_SIZE) - 1);
  const base = `${bankBase(req)}/accounts/${account.resourceId}`;
  const pageUrl = (index: number) => {
    const params = new URLSearchParams({ dateFrom, dateTo, page: String(index) });
    return `${base}/transactions?${params.toString()}`;
  };
  hal(res, 200, {
    transactions: matching.slice(page * STET_PAGE_SIZE, (page + 1) * STET_PAGE_SIZE).map(transactionJson),
    _links: {
      self: { href: pageUrl(page) },
      'parent-list': { href: `${bankBase(req)}/accounts` },
      balances: { href: `${base}/balances` },
      first: { href: pageUrl(0) },
      last: { href: pageUrl(lastPage) },
      ...(page > 0 ? { prev: { href: pageUrl(Math.min(page - 1, lastPage)) } } : {}),
      ...(page < lastPage ? { next: { href: pageUrl(page + 1) } } : {}),
    },
  });
}

export function accountRoutes(api: Router, st: StetBank): void {
  api.get('/accounts', (req, res) => listAccounts(st, req, res));
  api.get('/accounts/:accountResourceId/balances', (req, res) => readBalances(st, req, res));
  api.get('/accounts/:accountResourceId/transactions', (req, res) => readTransactions(st, req, res));
}
