import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { SharedCashflowDocument } from '../generated/graphql';
import { answerSandboxSca, expectText, launchBrowser, screenshot } from '../support/browser';
import { connectSandbox } from '../support/journey';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * The owner's web app in a real browser, once payments and lender shares exist: a supplier paid from the Berlin Group
 * sandbox bank through its own SCA page, its status followed live; a share with a lender made, read by the lender,
 * listed with that read, and revoked; the cash flow chart drawn within the app's Content Security Policy.
 */
const BANK = 'Sandbox Berlin Group Bank';
/** A valid German IBAN outside the sandbox banks, as an invoice prints it. */
const SUPPLIER_IBAN = 'DE89 3704 0044 0532 0130 00';
/** A clock shared by the gateway and the sandbox banks, which settle an authorised payment (ACSP → ACSC) in 10 min. */
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

let gateway: TestGateway;
let browser: Browser;
let page: Page;
let owner: { id: string; apiKey: string };
let problems: string[];

beforeAll(async () => {
  gateway = await startTestGateway({ now, paymentPollBaseMs: 50 });
  browser = await launchBrowser();
  owner = await gateway.makeOwner();
  await connectSandbox(gateway, owner.apiKey, BANK);
  await gateway.jobs.whenIdle();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  // A CSP violation, a failed script or a React error shows in the console: none is expected on the app's screens
  // (the sandbox bank's own page is not the app's, and has no favicon).
  problems = [];
  page.on('console', (message: ConsoleMessage) => {
    if (!new URL(page.url()).pathname.startsWith('/app')) return;
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
      problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
});
afterEach(async () => {
  await page?.close();
  expect(problems).toEqual([]);
});

async function signIn(): Promise<void> {
  await page.goto(`${gateway.url}/app`);
  await page.getByLabel('API key').fill(owner.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Accounts' }).waitFor();
}

describe('paying a supplier in the web app', () => {
  it('checks the IBAN and the amount before leaving for the bank', async () => {
    await signIn();
    await page.getByRole('link', { name: 'Payments' }).click();
    await page.getByLabel('Payee IBAN').fill('DE89 3704 0044 0532 0130 01');
    await page.getByLabel('Amount (EUR)').fill('12.345');
    await page.getByRole('button', { name: 'Continue to your bank' }).click();
    await expectText(page.locator('form'), 'This IBAN is not valid: check it against the invoice.');
    await expectText(page.locator('form'), 'Enter an amount in euros with at most two decimals');
    await expectText(page.locator('form'), 'Choose the account to pay from.');
    expect(page.url()).toMatch(/\/app\/payments$/);
    await screenshot(page, '20-payment-form-errors');
  });

  it('says plainly that nothing was paid when the payer declines at the bank', async () => {
    await signIn();
    await page.getByRole('link', { name: 'Payments' }).click();
    await fillPayment({ payee: 'Imprimerie Durand', amount: '80', reference: 'INV-2026-119' });
    await page.getByRole('button', { name: 'Continue to your bank' }).click();
    await answerSandboxSca(page, 'deny');
    await page.waitForURL(/\/app\/payments\/callback\?paymentId=.+&status=RJCT/);
    await page.getByRole('heading', { name: 'The payment was not made' }).waitFor();
    await expectText(page.getByRole('alert'), 'Nothing was paid.');
    await expectText(page.getByRole('status'), 'Rejected');
    await screenshot(page, '23-payment-declined');
  });

  it('pays through the bank’s SCA page, which shows the amount and the payee, then shows the status move live to paid', async () => {
    await signIn();
    await page.getByRole('link', { name: 'Payments' }).click();
    await fillPayment({ payee: 'Papeterie Martin', amount: '1 234,5', reference: 'INV-2026-118' });
    await screenshot(page, '21-payment-form');
    await page.getByRole('button', { name: 'Continue to your bank' }).click();

    await page.waitForURL(/\/sandbox\//);
    await expectText(page.locator('body'), '1234.50');
    await expectText(page.locator('body'), 'Papeterie Martin');
    await screenshot(page, '22-payment-bank-sca');
    await answerSandboxSca(page, 'approve');

    await page.waitForURL(/\/app\/payments\/callback\?paymentId=.+&status=ACSP/);
    await page.getByRole('heading', { name: 'Payment authorised at your bank' }).waitFor();
    await expectText(page.getByRole('status'), 'Authorised, on its way');
    await expectText(page.getByRole('status'), '1\u202f234.50 EUR');
    await screenshot(page, '24-payment-authorised');

    // Ten minutes later the bank has executed it; the gateway's poll reads ACSC and the open screen shows it.
    offsetMs += 11 * 60 * 1000;
    await page.getByRole('heading', { name: 'Payment made' }).waitFor();
    await expectText(page.getByRole('status'), 'Paid');
    await screenshot(page, '25-payment-paid');

    await page.getByRole('link', { name: 'Back to payments' }).click();
    const row = page.getByRole('row', { name: /Papeterie Martin/ });
    await expectText(row, 'Paid');
    await expectText(row, 'INV-2026-118');
    await screenshot(page, '26-payments-list');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, '27-payments-phone');
  });
});

describe('sharing with a lender in the web app', () => {
  it('shares the accounts with a lender, lists the lender’s reads, draws the cash flow, and revokes the share', async () => {
    const lender = await gateway.makeLender();
    const lenderName = (
      await gateway.dataSource.query('SELECT display_name FROM principal WHERE id = $1', [lender.id])
    )[0].display_name as string;
    await signIn();
    await page.getByRole('link', { name: 'Lenders' }).click();
    await page.getByLabel('Lender id').fill(lender.id);
    await page.getByLabel('Days of history').fill('60');
    await page.getByLabel('Readable for (days)').fill('14');
    await page.getByRole('button', { name: 'Share' }).click();
    const card = page.getByRole('article', { name: lenderName });
    await expectText(card, 'active');
    await expectText(card, 'The lender has not read anything yet.');

    // The exact figures beside the chart: one row per month, amounts as the gateway wrote them.
    const table = page.getByRole('table', { name: 'Cash flow per month, EUR' });
    await table.getByRole('row').nth(1).waitFor();
    await expect(page.locator('.chart svg .recharts-bar-rectangle').count()).resolves.toBeGreaterThan(0);

    const shareId = (await gateway.dataSource.query('SELECT id FROM data_share WHERE lender_id = $1', [lender.id]))[0]
      .id as string;
    const read = await gateway.graphql(SharedCashflowDocument, { shareId }, lender.apiKey);
    expect(read.body.errors).toBeUndefined();
    await page.reload();
    await card.getByText(/reads? by the lender/).click();
    await expectText(card, 'sharedHistory.cashflow');
    await screenshot(page, '28-lender-share');

    await card.getByRole('button', { name: 'Revoke' }).click();
    await card.getByRole('button', { name: 'Yes, stop sharing' }).click();
    await expectText(card, 'revoked');
    await screenshot(page, '29-lender-share-revoked');
    // On a phone the chart redraws to the screen's width (ResizeObserver) before the screenshot.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(
      "document.querySelector('.chart svg').getBoundingClientRect().width <= document.querySelector('.chart').clientWidth",
    );
    await screenshot(page, '30-lenders-phone');
    const refused = await gateway.graphql(SharedCashflowDocument, { shareId }, lender.apiKey);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

async function fillPayment(payment: { payee: string; amount: string; reference: string }): Promise<void> {
  await page.getByLabel('From account').selectOption({ index: 1 });
  await page.getByLabel('Payee name').fill(payment.payee);
  await page.getByLabel('Payee IBAN').fill(SUPPLIER_IBAN);
  await page.getByLabel('Amount (EUR)').fill(payment.amount);
  await page.getByLabel(/Reference/).fill(payment.reference);
}
