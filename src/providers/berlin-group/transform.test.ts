import { ProviderError } from '../types';
import { SpecValidator } from '../../../test/support/openapi/request-contract';
import { itWithSpecs } from '../../../test/support/openapi/specs';
import { accountFromBg, balanceFromBg, consentStatusFromBg, transactionFromBg } from './transform';
import { bgAccountList, bgBalances, bgTransactionsPage } from './types';

/** A Berlin Group account list with balances, as a 1.3.11 bank answers `GET /v1/accounts?withBalance=true`. */
const accountList = {
  accounts: [
    {
      resourceId: 'acc-cur-1',
      iban: 'DE89370400440532013000',
      currency: 'EUR',
      name: 'Compte courant Atelier Dupont',
      product: 'Business Giro',
      cashAccountType: 'CACC',
      ownerName: 'Atelier Dupont SARL',
      balances: [
        {
          balanceAmount: { currency: 'EUR', amount: '12450.37' },
          balanceType: 'closingBooked',
          referenceDate: '2026-11-24',
        },
        {
          balanceAmount: { currency: 'EUR', amount: '11980.00' },
          balanceType: 'interimAvailable',
          lastChangeDateTime: '2026-11-25T08:12:45Z',
          creditLimitIncluded: false,
        },
      ],
      _links: { balances: { href: '/v1/accounts/acc-cur-1/balances' } },
    },
    {
      resourceId: 'acc-sav-2',
      iban: 'DE02120300000000202051',
      currency: 'EUR',
      cashAccountType: 'SVGS',
      product: 'Tagesgeld',
    },
  ],
};

/** One page of `GET /v1/accounts/{id}/transactions?bookingStatus=both`: a customer payment, a card payment, a direct debit. */
const transactionsPage = {
  account: { iban: 'DE89370400440532013000' },
  transactions: {
    booked: [
      {
        transactionId: 'tx-2026-11-20-001',
        entryReference: 'E2026112000001',
        endToEndId: 'INV-2026-0412',
        bookingDate: '2026-11-20',
        valueDate: '2026-11-20',
        transactionAmount: { currency: 'EUR', amount: '1800.00' },
        debtorName: 'Boulangerie Martin',
        debtorAccount: { iban: 'FR1420041010050500013M02606' },
        remittanceInformationUnstructured: 'Facture INV-2026-0412',
        bankTransactionCode: 'PMNT-RCDT-ESCT',
      },
      {
        entryReference: 'E2026112100007',
        bookingDate: '2026-11-21',
        valueDate: '2026-11-21',
        transactionAmount: { currency: 'EUR', amount: '-249.90' },
        creditorName: 'ORANGE SA',
        creditorAccount: { iban: 'FR7630006000011234567890189' },
        mandateId: 'MANDAT-00042',
        creditorId: 'FR12ZZZ123456',
        remittanceInformationStructured: { reference: 'RF18539007547034', referenceType: 'SCOR' },
        bankTransactionCode: 'PMNT-RDDT-ESDD',
      },
    ],
    pending: [
      {
        valueDate: '2026-11-25',
        transactionAmount: { currency: 'EUR', amount: '-37.5' },
        creditorName: 'SNCF CONNECT',
        remittanceInformationUnstructuredArray: ['CB SNCF CONNECT', '24/11 PARIS'],
      },
    ],
    _links: {
      account: { href: '/v1/accounts/acc-cur-1' },
      next: { href: '/v1/accounts/acc-cur-1/transactions?bookingStatus=both&pageIndex=2' },
    },
  },
};

describe('Berlin Group transforms', () => {
  itWithSpecs('uses sample payloads that the official Berlin Group spec accepts', async () => {
    const spec = await SpecValidator.load('BERLIN_GROUP');
    expect(spec.responseErrors({ operationId: 'getAccountList', status: 200, body: accountList })).toEqual([]);
    expect(spec.responseErrors({ operationId: 'getTransactionList', status: 200, body: transactionsPage })).toEqual([]);
  });

  it('normalizes accounts with their balances as decimal strings', () => {
    const accounts = bgAccountList.parse(accountList).accounts.map(accountFromBg);
    expect(accounts).toEqual([
      {
        providerAccountId: 'acc-cur-1',
        iban: 'DE89370400440532013000',
        currency: 'EUR',
        name: 'Compte courant Atelier Dupont',
        ownerName: 'Atelier Dupont SARL',
        product: 'Business Giro',
        type: 'CURRENT',
        balances: [
          {
            type: 'closingBooked',
            amount: { amount: '12450.37', currency: 'EUR' },
            referenceDate: '2026-11-24',
            lastChangeDateTime: undefined,
            creditLimitIncluded: undefined,
          },
          {
            type: 'interimAvailable',
            amount: { amount: '11980', currency: 'EUR' },
            referenceDate: undefined,
            lastChangeDateTime: '2026-11-25T08:12:45Z',
            creditLimitIncluded: false,
          },
        ],
      },
      {
        providerAccountId: 'acc-sav-2',
        iban: 'DE02120300000000202051',
        currency: 'EUR',
        name: 'Tagesgeld',
        ownerName: undefined,
        product: 'Tagesgeld',
        type: 'SAVINGS',
        balances: undefined,
      },
    ]);
  });

  it('keeps booked and pending lines with signed amounts, counterparties and references', () => {
    const page = bgTransactionsPage.parse(transactionsPage);
    const booked = page.transactions.booked!.map((line) => transactionFromBg(line, 'BOOKED'));
    const pending = page.transactions.pending!.map((line) => transactionFromBg(line, 'PENDING'));
    expect(booked[0]).toMatchObject({
      providerTransactionId: 'tx-2026-11-20-001',
      amount: { amount: '1800', currency: 'EUR' },
      status: 'BOOKED',
      date: '2026-11-20',
      counterparty: { name: 'Boulangerie Martin', iban: 'FR1420041010050500013M02606' },
      remittanceUnstructured: 'Facture INV-2026-0412',
      endToEndId: 'INV-2026-0412',
      bankTransactionCode: 'PMNT-RCDT-ESCT',
    });
    expect(booked[1]).toMatchObject({
      providerTransactionId: 'E2026112100007',
      amount: { amount: '-249.9', currency: 'EUR' },
      counterparty: { name: 'ORANGE SA', iban: 'FR7630006000011234567890189' },
      remittanceStructured: 'RF18539007547034',
      mandateId: 'MANDAT-00042',
      creditorId: 'FR12ZZZ123456',
    });
    expect(pending[0]).toMatchObject({
      amount: { amount: '-37.5', currency: 'EUR' },
      status: 'PENDING',
      date: '2026-11-25',
      bookingDate: undefined,
      remittanceUnstructured: 'CB SNCF CONNECT 24/11 PARIS',
    });
  });

  it('derives the same id for a line without one each time it is read', () => {
    const line = bgTransactionsPage.parse(transactionsPage).transactions.pending![0]!;
    const first = transactionFromBg(line, 'PENDING').providerTransactionId;
    expect(first).toMatch(/^h-[0-9a-f]{32}$/);
    expect(transactionFromBg({ ...line }, 'PENDING').providerTransactionId).toBe(first);
    const other = { ...line, transactionAmount: { currency: 'EUR', amount: '-37.6' } };
    expect(transactionFromBg(other, 'PENDING').providerTransactionId).not.toBe(first);
  });

  it('rejects an amount that is not a decimal instead of guessing one', () => {
    const bad = {
      ...transactionsPage,
      transactions: { booked: [{ transactionAmount: { currency: 'EUR', amount: '12,50' } }] },
    };
    expect(bgTransactionsPage.safeParse(bad).success).toBe(false);
  });

  it('rejects a line with no date at all as a malformed response', () => {
    expect(() => transactionFromBg({ transactionAmount: { currency: 'EUR', amount: '5' } }, 'BOOKED')).toThrow(
      expect.objectContaining({ code: 'MALFORMED_RESPONSE' }) as unknown as ProviderError,
    );
  });

  it('maps every Berlin Group consent status', () => {
    expect(
      (
        ['received', 'partiallyAuthorised', 'valid', 'rejected', 'expired', 'revokedByPsu', 'terminatedByTpp'] as const
      ).map(consentStatusFromBg),
    ).toEqual(['PENDING_AUTHORISATION', 'PARTIALLY_AUTHORISED', 'ACTIVE', 'REJECTED', 'EXPIRED', 'REVOKED', 'REVOKED']);
  });

  it('reads balances from the per-account endpoint', () => {
    const body = bgBalances.parse({
      balances: [{ balanceAmount: { currency: 'EUR', amount: '-12.30' }, balanceType: 'expected' }],
    });
    expect(body.balances.map(balanceFromBg)).toEqual([
      {
        type: 'expected',
        amount: { amount: '-12.3', currency: 'EUR' },
        referenceDate: undefined,
        lastChangeDateTime: undefined,
        creditLimitIncluded: undefined,
      },
    ]);
  });
});
