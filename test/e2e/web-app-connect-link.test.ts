import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ConnectionsDocument, CreateConnectLinkDocument } from '../generated/graphql';
import { sandboxInstitutionId } from '../support/journey';
import { answerSandboxSca, launchBrowser, screenshot } from '../support/browser';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/**
 * A frontend team's user, who has no API key, opens a connect link in a real browser, connects the Berlin Group
 * sandbox bank through its own SCA page and lands back on the frontend team's app.
 */
const BANK = 'Sandbox Berlin Group Bank';

let gateway: TestGateway;
let browser: Browser;
let page: Page;
let frontend: http.Server;
let frontendUrl: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchBrowser();
  // The frontend team's app: one page that says where the user came back with.
  frontend = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Frontend app</title><h1>Back at the frontend app</h1>');
  });
  await new Promise<void>((resolve) => frontend.listen(0, '127.0.0.1', resolve));
  frontendUrl = `http://127.0.0.1:${(frontend.address() as AddressInfo).port}/bank-connected`;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => frontend?.close(resolve));
  await gateway?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
});
afterEach(() => page?.close());

describe('a connect link in the web app', () => {
  it('lets a user without an API key connect the preselected bank and sends them back to the link’s redirectUri', async () => {
    const owner = await gateway.makeOwner();
    const institutionId = await sandboxInstitutionId(gateway, owner.apiKey, BANK);
    const { body } = await gateway.graphql(
      CreateConnectLinkDocument,
      { redirectUri: frontendUrl, institutionId },
      owner.apiKey,
    );
    const errors: string[] = [];
    // Errors on the app's pages only (the frontend's stand-in has no favicon, and that is not the app's fault).
    page.on('console', (message) => {
      if (message.type() === 'error' && page.url().startsWith(`${gateway.url}/app`)) errors.push(message.text());
    });

    await page.goto(body.data!.createConnectLink.url);
    await page.getByRole('heading', { name: 'Connect a bank' }).waitFor();
    expect(await page.getByRole('radio', { name: BANK }).isChecked()).toBe(true);
    // The link opens the journey only: no sign-in, no menu to the owner's other screens.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await screenshot(page, 'link-01-choose-bank');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Choose what to share with Passerelle' }).waitFor();
    expect(await page.getByRole('checkbox', { name: /payments/i }).count()).toBe(0);
    await page.getByRole('button', { name: 'Continue' }).click();
    await answerSandboxSca(page, 'approve');

    await page.waitForURL((url) => url.href.startsWith(`${frontendUrl}?`));
    await page.getByRole('heading', { name: 'Back at the frontend app' }).waitFor();
    await screenshot(page, 'link-02-back-at-frontend');
    const landed = new URL(page.url());
    expect(landed.searchParams.get('status')).toBe('ACTIVE');
    const connections = await gateway.graphql(ConnectionsDocument, {}, owner.apiKey);
    expect(connections.body.data!.connections.map((connection) => connection.currentConsent?.id)).toEqual([
      landed.searchParams.get('consentId'),
    ]);
    expect(errors).toEqual([]);

    // The link was spent: opened again, it says so.
    await page.goto(body.data!.createConnectLink.url);
    await page.getByText('the connect link has already been used').first().waitFor();
    await screenshot(page, 'link-03-used-again');
    await gateway.jobs.whenIdle();
  }, 60_000);
});
