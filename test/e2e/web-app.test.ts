import Decimal from 'decimal.js';
import type { Browser, Page } from 'playwright-core';
import { Transaction } from '../../src/modules/transactions/transaction.entity';
import { AccountsDocument, UpsertInvoicesDocument } from '../generated/graphql';
import { answerSandboxSca, expectText, launchBrowser, screenshot } from '../support/browser';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * The owner's web app in a real browser, against a gateway on the real services with the in-process sandbox banks:
 * the five steps of the journey through the bank's own SCA page, the dashboard with a live transaction, a match
 * confirmed in one click, a consent revoked, and a denied SCA.
 */
const BANK = 'Sandbox Berlin Group Bank';
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

let gateway: TestGateway;
let browser: Browser;
let page: Page;
let owner: { id: string; apiKey: string };

beforeAll(async () => {
  gateway = await startTestGateway({ now });
  browser = await launchBrowser();
  owner = await gateway.makeOwner();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
});
afterEach(() => page?.close());

async function signIn(apiKey: string): Promise<void> {
  await page.goto(`${gateway.url}/app`);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Accounts' }).waitFor();
}

/** Steps 1 to 4: pick the bank, keep the read-only scopes, and answer the bank's SCA page as alice. */
async function connectThroughTheBank(decision: 'approve' | 'deny'): Promise<void> {
  await page.getByRole('link', { name: 'Connect a bank' }).first().click();
  await page.getByRole('radio', { name: BANK }).check();
  await screenshot(page, '02-connect-choose-bank');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Choose what to share with Passerelle' }).waitFor();
  await screenshot(page, '03-connect-choose-scopes');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/sandbox\//);
  await screenshot(page, `04-bank-sca-${decision}`);
  await answerSandboxSca(page, decision);
  await page.waitForURL(/\/app\/connect\/callback/);
}

describe('the owner web app', () => {
  it('refuses a wrong API key with a message and keeps the owner on the sign-in screen', async () => {
    await page.goto(`${gateway.url}/app`);
    await page.getByLabel('API key').fill('psk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'This API key was not accepted.');
    await screenshot(page, '01-sign-in-refused');
  });

  it('connects a bank through its SCA page, then shows its accounts, its transactions and a new one live', async () => {
    await signIn(owner.apiKey);
    await connectThroughTheBank('approve');
    await page.getByRole('heading', { name: `${BANK} is connected` }).waitFor();
    await page.getByText(/First sync done: \d+ transactions imported/).waitFor({ timeout: 30_000 });
    await expectText(page.locator('main'), 'Passerelle may read your accounts, balances, transactions until');
    await screenshot(page, '05-connected');

    await page.getByRole('link', { name: 'Go to your accounts' }).click();
    const { body } = await gateway.graphql(AccountsDocument, {}, owner.apiKey);
    const accounts = body.data!.accounts;
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) {
      const row = page.getByRole('row', { name: new RegExp(escapeRegExp(account.name)) });
      await expectText(row, account.iban!);
    }
    const list = page.getByRole('list', { name: 'Transactions' });
    await list.getByRole('listitem').first().waitFor();
    await page.getByText('Live: new transactions appear as they arrive.').waitFor();
    await screenshot(page, '06-dashboard');

    // A day passes at the bank; the refresh imports its new lines, and they appear at the top of the open list.
    const before = await list.getByRole('listitem').count();
    offsetMs += 86_400_000;
    const [connectionId] = (
      await gateway.dataSource.query('SELECT id FROM connection WHERE owner_id = $1', [owner.id])
    ).map((row: { id: string }) => row.id);
    const outcome = await gateway.sync.syncConnection(connectionId);
    expect(outcome.added).toBeGreaterThan(0);
    await list.getByRole('listitem').nth(before).waitFor();
    await screenshot(page, '07-dashboard-live-transaction');
  });

  it('confirms a suggested match in one click', async () => {
    const credit = await aBookedCredit(owner.id);
    const number = `WEB-${Date.now()}`;
    const pushed = await gateway.graphql(
      UpsertInvoicesDocument,
      {
        input: [
          {
            number,
            customerName: credit.counterpartyName!,
            amount: new Decimal(credit.amount).toFixed(2),
            currency: credit.currency,
            issueDate: credit.date,
            dueDate: credit.date,
          },
        ],
      },
      owner.apiKey,
    );
    expect(pushed.body.errors).toBeUndefined();
    await gateway.jobs.whenIdle();

    await signIn(owner.apiKey);
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    const row = page
      .getByRole('row', { name: new RegExp(number) })
      .filter({ has: page.getByRole('button', { name: 'Confirm' }) });
    await row.waitFor();
    await screenshot(page, '08-reconciliation-suggested');
    await row.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('row', { name: new RegExp(`${number}.*confirmed`) }).waitFor();
    await screenshot(page, '09-reconciliation-confirmed');
  });

  it('revokes a consent from the consents screen', async () => {
    await signIn(owner.apiKey);
    await page.getByRole('link', { name: 'Consents' }).click();
    const card = page.getByRole('article', { name: BANK });
    await card.getByRole('button', { name: 'Revoke' }).click();
    await screenshot(page, '10-consent-revoke-confirm');
    await card.getByRole('button', { name: 'Yes, revoke access' }).click();
    await expectText(card, 'revoked');
    await screenshot(page, '11-consent-revoked');
  });

  it('brings a denied SCA back to a clear message and a way to try again', async () => {
    await signIn(owner.apiKey);
    await connectThroughTheBank('deny');
    await page.getByRole('heading', { name: 'Your bank did not grant access' }).waitFor();
    await expectText(page.getByRole('alert'), 'Nothing was shared.');
    await screenshot(page, '12-connect-denied');
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Connect a bank' }).waitFor();
  });
});

async function aBookedCredit(ownerId: string): Promise<Transaction> {
  const lines = await gateway.dataSource
    .getRepository(Transaction)
    .find({ where: { ownerId, status: 'BOOKED' as never }, order: { date: 'DESC' } });
  const credit = lines.find(
    (line) =>
      new Decimal(line.amount).gt(0) && line.counterpartyName && !/INV-|RF\d/.test(line.remittanceInformation ?? ''),
  );
  if (!credit) throw new Error('the sandbox gave this owner no booked credit without a reference');
  return credit;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
