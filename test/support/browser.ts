import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by Playwright: browsers cannot be downloaded on these machines, so the tests use the
 * system package (`apt-get install -y chromium`; .ci/run installs it when missing).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.join(__dirname, '..', 'e2e', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // The machine has no network beyond loopback: without these flags Chromium keeps trying to reach Google.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A full-page screenshot for review, under test/e2e/screenshots/ (ignored by git). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Answers the sandbox bank's own SCA page (consent or payment) as a sandbox user; the bank then redirects. */
export async function answerSandboxSca(page: Page, decision: 'approve' | 'deny', psuId = 'alice'): Promise<void> {
  await page.waitForURL(/\/sandbox\//);
  await page.locator('input[name=psuId]').fill(psuId);
  await page.locator('input[name=password]').fill('sandbox');
  await page.locator('input[name=otp]').fill('123456');
  await page.locator(`input[name=decision][value=${decision}]`).check();
  await page.getByRole('button', { name: 'Confirm' }).click();
}

/** Waits until the locator holds an element with this text. */
export async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}
