import Decimal from 'decimal.js';
import {
  type RunningSandbox,
  bgHeaders,
  connectBerlinGroup,
  connectStet,
  http,
  startSandbox,
  stetHeaders,
  submitSca,
} from '../../test/support/sandbox-server';

interface BgTransaction {
  transactionId: string;
  endToEndId?: string;
  transactionAmount: { amount: string };
  debtorName?: string;
}

describe('Sandbox payments move money between sandbox accounts', () => {
  let sandbox: RunningSandbox;
  let bg: string;
  let stet: string;
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2026-11-25T12:00:00Z');
    sandbox = await startSandbox({ now: () => clock, seed: 'payments' });
    bg = `${sandbox.root}/berlin-group`;
    stet = `${sandbox.root}/stet`;
  });
  afterEach(() => sandbox.close());

  async function bgAccounts(consentId: string) {
    const list = await http(`${bg}/v1/accounts?withBalance=true`, {
      headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
    });
    return (
      list.json as {
        accounts: {
          resourceId: string;
          iban: string;
          balances: { balanceType: string; balanceAmount: { amount: string } }[];
        }[];
      }
    ).accounts;
  }

  async function bgPending(consentId: string, accountId: string): Promise<BgTransaction[]> {
    const answer = await http(`${bg}/v1/accounts/${accountId}/transactions?bookingStatus=both&dateFrom=2026-11-25`, {
      headers: bgHeaders({ 'Consent-ID': consentId, 'PSU-IP-Address': '192.0.2.1' }),
    });
    const report = (answer.json as { transactions: { booked: BgTransaction[]; pending: BgTransaction[] } })
      .transactions;
    return [
      ...report.pending.map((t) => ({ ...t, status: 'pending' })),
      ...report.booked.map((t) => ({ ...t, status: 'booked' })),
    ];
  }

  function initiate(debtorIban: string, creditorIban: string, amount: string, requestId?: string) {
    return http(`${bg}/v1/payments/sepa-credit-transfers`, {
      method: 'POST',
      headers: {
        ...bgHeaders({
          'TPP-Redirect-URI': 'https://tpp.example/pay?order=7',
          'TPP-Nok-Redirect-URI': 'https://tpp.example/nok',
          'PSU-IP-Address': '192.0.2.1',
        }),
        ...(requestId ? { 'X-Request-ID': requestId } : {}),
      },
      json: {
        instructedAmount: { currency: 'EUR', amount },
        debtorAccount: { iban: debtorIban },
        creditorName: 'Bob Janssen',
        creditorAccount: { iban: creditorIban },
        remittanceInformationUnstructured: 'Invoice BB-2026-0042',
        endToEndIdentification: 'E2E-PAY-42',
      },
    });
  }

  it('shows amount, currency and payee on the SCA page, and books the debit and a credit at the STET bank', async () => {
    const aliceConsent = await connectBerlinGroup(bg);
    const [aliceMain] = await bgAccounts(aliceConsent);
    const bobTokens = await connectStet(stet, 'bob');
    const bobAccounts = (
      (await http(`${stet}/accounts`, { headers: stetHeaders(bobTokens.access_token) })).json as {
        accounts: { resourceId: string; accountId: { iban: string } }[];
      }
    ).accounts;

    const created = await initiate(aliceMain.iban, bobAccounts[0].accountId.iban, '250.75');
    expect(created.status).toBe(201);
    const payment = created.json as {
      paymentId: string;
      transactionStatus: string;
      _links: { scaRedirect: { href: string } };
    };
    expect(payment.transactionStatus).toBe('RCVD');
    const page = await http(payment._links.scaRedirect.href);
    for (const shown of ['250.75', 'EUR', 'Bob Janssen']) expect(page.text).toContain(shown);

    const approved = await submitSca(payment._links.scaRedirect.href, { psuId: 'alice' });
    expect(approved.location).toBe(`https://tpp.example/pay?order=7&paymentId=${payment.paymentId}`);
    const status = async () =>
      (
        (await http(`${bg}/v1/payments/sepa-credit-transfers/${payment.paymentId}/status`, { headers: bgHeaders() }))
          .json as { transactionStatus: string }
      ).transactionStatus;
    expect(await status()).toBe('ACSP');
    const pendingDebit = (await bgPending(aliceConsent, aliceMain.resourceId)).find(
      (t) => t.endToEndId === 'E2E-PAY-42',
    );
    expect(pendingDebit).toMatchObject({ status: 'pending', transactionAmount: { amount: '-250.75' } });

    clock = new Date(clock.getTime() + 15 * 60_000);
    expect(await status()).toBe('ACSC');
    const bookedDebit = (await bgPending(aliceConsent, aliceMain.resourceId)).find(
      (t) => t.endToEndId === 'E2E-PAY-42',
    );
    expect(bookedDebit).toMatchObject({ status: 'booked', transactionId: pendingDebit?.transactionId });

    const bobTransactions = (
      await http(`${stet}/accounts/${bobAccounts[0].resourceId}/transactions?dateFrom=2026-11-25`, {
        headers: stetHeaders(bobTokens.access_token),
      })
    ).json as {
      transactions: {
        endToEndId?: string;
        creditDebitIndicator: string;
        status: string;
        transactionAmount: { amount: string };
      }[];
    };
    expect(bobTransactions.transactions.find((t) => t.endToEndId === 'E2E-PAY-42')).toMatchObject({
      creditDebitIndicator: 'CRDT',
      status: 'BOOK',
      transactionAmount: { amount: '250.75' },
    });
  });

  it('lowers the debtor balance by the amount paid', async () => {
    const consentId = await connectBerlinGroup(bg);
    const expected = async () =>
      (await bgAccounts(consentId))[0].balances.find((b) => b.balanceType === 'expected')?.balanceAmount
        .amount as string;
    const before = await expected();
    const [main] = await bgAccounts(consentId);
    const created = (await initiate(main.iban, 'DE89370400440532013000', '100.10')).json as {
      _links: { scaRedirect: { href: string } };
    };
    await submitSca(created._links.scaRedirect.href);
    expect(new Decimal(before).minus(await expected()).toFixed(2)).toBe('100.10');
  });

  it('returns the same payment when the initiation is replayed with the same X-Request-ID', async () => {
    const consentId = await connectBerlinGroup(bg);
    const [main] = await bgAccounts(consentId);
    const first = (await initiate(main.iban, 'DE89370400440532013000', '10.00', 'b7c1f8d2-4b7e-4a59-9d1d-111111111111'))
      .json as { paymentId: string };
    const replay = (
      await initiate(main.iban, 'DE89370400440532013000', '10.00', 'b7c1f8d2-4b7e-4a59-9d1d-111111111111')
    ).json as { paymentId: string };
    const other = (await initiate(main.iban, 'DE89370400440532013000', '10.00')).json as { paymentId: string };
    expect(replay.paymentId).toBe(first.paymentId);
    expect(other.paymentId).not.toBe(first.paymentId);
  });

  it('cancels a payment not yet authorised (204), and refuses once the PSU authorised it (405 CANCELLATION_INVALID)', async () => {
    const consentId = await connectBerlinGroup(bg);
    const [main] = await bgAccounts(consentId);
    const cancel = (paymentId: string) =>
      http(`${bg}/v1/payments/sepa-credit-transfers/${paymentId}`, { method: 'DELETE', headers: bgHeaders() });
    const open = (await initiate(main.iban, 'DE89370400440532013000', '10.00')).json as {
      paymentId: string;
      _links: { scaRedirect: { href: string } };
    };
    expect((await cancel(open.paymentId)).status).toBe(204);
    const status = await http(`${bg}/v1/payments/sepa-credit-transfers/${open.paymentId}/status`, {
      headers: bgHeaders(),
    });
    expect(status.json).toEqual({ transactionStatus: 'CANC' });
    expect((await submitSca(open._links.scaRedirect.href)).status).toBe(409);

    const paid = (await initiate(main.iban, 'DE89370400440532013000', '10.00')).json as {
      paymentId: string;
      _links: { scaRedirect: { href: string } };
    };
    await submitSca(paid._links.scaRedirect.href);
    const refused = await cancel(paid.paymentId);
    expect(refused.status).toBe(405);
    expect(JSON.stringify(refused.json)).toContain('CANCELLATION_INVALID');
  });

  it('rejects a payment the PSU denies and redirects to the Nok URI', async () => {
    const consentId = await connectBerlinGroup(bg);
    const [main] = await bgAccounts(consentId);
    const created = (await initiate(main.iban, 'DE89370400440532013000', '10.00')).json as {
      paymentId: string;
      _links: { scaRedirect: { href: string } };
    };
    const denied = await submitSca(created._links.scaRedirect.href, { decision: 'deny' });
    expect(denied.location).toBe(`https://tpp.example/nok?paymentId=${created.paymentId}&error=access_denied`);
    const status = await http(`${bg}/v1/payments/sepa-credit-transfers/${created.paymentId}/status`, {
      headers: bgHeaders(),
    });
    expect(status.json).toEqual({ transactionStatus: 'RJCT' });
  });

  it('rejects a payment the account cannot cover', async () => {
    const consentId = await connectBerlinGroup(bg);
    const [main] = await bgAccounts(consentId);
    const created = (await initiate(main.iban, 'DE89370400440532013000', '99999999.00')).json as {
      paymentId: string;
      _links: { scaRedirect: { href: string } };
    };
    await submitSca(created._links.scaRedirect.href);
    const status = await http(`${bg}/v1/payments/sepa-credit-transfers/${created.paymentId}/status`, {
      headers: bgHeaders(),
    });
    expect(status.json).toEqual({ transactionStatus: 'RJCT' });
  });

  it('refuses a debtor account held by another PSU at SCA', async () => {
    const bobConsent = await connectBerlinGroup(bg, { psuId: 'bob' });
    const [bobMain] = await bgAccounts(bobConsent);
    const created = (await initiate(bobMain.iban, 'DE89370400440532013000', '10.00')).json as {
      _links: { scaRedirect: { href: string } };
    };
    const refused = await submitSca(created._links.scaRedirect.href, { psuId: 'alice' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<form method="post"');
  });

  it('lets no other PSU deny a payment either: it stays waiting for its payer', async () => {
    const bobConsent = await connectBerlinGroup(bg, { psuId: 'bob' });
    const [bobMain] = await bgAccounts(bobConsent);
    const created = (await initiate(bobMain.iban, 'DE89370400440532013000', '10.00')).json as {
      paymentId: string;
      _links: { scaRedirect: { href: string } };
    };
    const refused = await submitSca(created._links.scaRedirect.href, { psuId: 'alice', decision: 'deny' });
    expect(refused.status).toBe(403);
    const status = await http(`${bg}/v1/payments/sepa-credit-transfers/${created.paymentId}/status`, {
      headers: bgHeaders(),
    });
    expect(status.json).toEqual({ transactionStatus: 'RCVD' });
  });

  it('executes a STET payment request after the PSU approves and the PISP confirms', async () => {
    const client = (
      await http(`${stet}/oauth/token`, {
        method: 'POST',
        form: { grant_type: 'client_credentials', client_id: 'passerelle', scope: 'pisp' },
      })
    ).json as { access_token: string };
    const aliceTokens = await connectStet(stet, 'alice');
    const aliceAccounts = (
      (await http(`${stet}/accounts`, { headers: stetHeaders(aliceTokens.access_token) })).json as {
        accounts: { resourceId: string; accountId: { iban: string } }[];
      }
    ).accounts;
    const bobConsent = await connectBerlinGroup(bg, { psuId: 'bob' });
    const [bobMain] = await bgAccounts(bobConsent);
    const beneficiary = { creditor: { name: 'Bob Janssen' }, creditorAccount: { iban: bobMain.iban } };
    const created = await http(`${stet}/payment-requests`, {
      method: 'POST',
      headers: stetHeaders(client.access_token),
      json: {
        paymentInformationId: 'PI-77',
        creationDateTime: clock.toISOString(),
        numberOfTransactions: 1,
        initiatingParty: { name: 'Passerelle' },
        paymentTypeInformation: { serviceLevel: 'SEPA' },
        debtorAccount: { iban: aliceAccounts[0].accountId.iban },
        beneficiary,
        creditTransferTransaction: [
          {
            paymentId: { instructionId: 'I-77', endToEndId: 'E2E-STET-77' },
            requestedExecutionDate: clock.toISOString(),
            instructedAmount: { amount: '42.00', currency: 'EUR' },
            beneficiary,
          },
        ],
        supplementaryData: {
          acceptedAuthenticationApproach: ['REDIRECT'],
          successfulReportUrl: 'https://tpp.example/ok?p=1',
        },
      },
    });
    expect(created.status).toBe(201);
    const approvalUrl = (created.json as { _links: { consentApproval: { href: string } } })._links.consentApproval.href;
    const page = await http(approvalUrl);
    for (const shown of ['42.00', 'EUR', 'Bob Janssen']) expect(page.text).toContain(shown);
    const approved = await submitSca(approvalUrl);
    const id = new URL(approved.location as string).searchParams.get('paymentRequestResourceId') as string;
    expect(approved.location).toContain('https://tpp.example/ok?p=1');
    const confirmed = await http(`${stet}/payment-requests/${id}/confirmation`, {
      method: 'POST',
      headers: stetHeaders(client.access_token),
      json: {},
    });
    expect(confirmed.json).toMatchObject({ paymentRequest: { paymentInformationStatus: 'ACSP' } });

    clock = new Date(clock.getTime() + 15 * 60_000);
    const status = await http(`${stet}/payment-requests/${id}`, { headers: stetHeaders(client.access_token) });
    expect(status.json).toMatchObject({ paymentRequest: { paymentInformationStatus: 'ACSC' } });
    const bobCredit = (await bgPending(bobConsent, bobMain.resourceId)).find((t) => t.endToEndId === 'E2E-STET-77');
    expect(bobCredit).toMatchObject({ status: 'booked', transactionAmount: { amount: '42.00' } });
  });
});
