/**
 * Debian's chromium driven by playwright-core, against the demo app on a
 * free port. Without chromium the suites skip with a line saying so; under
 * FLOWLANE_REQUIRE_SERVICES=1 (CI) they fail instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_USERS } from '../../examples/demo/demo.ts';

export const CHROMIUM = process.env.FLOWLANE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test-artifacts/screenshots');

/** Journeys click through many pages; a loaded 2-core machine needs room. */
export const JOURNEY_TIMEOUT = { timeout: 120_000 };

/** Why the browser suites cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no chromium at ${CHROMIUM} (set FLOWLANE_CHROMIUM, or apt-get install chromium)`;
  if (process.env.FLOWLANE_REQUIRE_SERVICES === '1') throw new Error(`${reason}; FLOWLANE_REQUIRE_SERVICES=1 forbids skipping`);
  console.warn(`skipping browser tests: ${reason}`);
  return reason;
}

export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

/** Playwright gives each launch a fresh throw-away profile (it refuses --user-data-dir). */
export async function launch(): Promise<Chromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A fresh browser context (its own cookies) signed in as a demo user. */
export async function signIn(browser: Browser, origin: string, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: origin, viewport: { width: 1200, height: 900 } });
  // A step fails with its own message, inside the test's timeout, even on a busy CI machine.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto('/workflow');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(DEMO_USERS.find((u) => u.username === username)!.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText(`Signed in as ${username}`).waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The flash messages on the page (each item is a status or an alert, so not found by list roles). */
export async function messages(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Messages' }).locator('li').allInnerTexts();
}
