/**
 * What a new user ran into in the demo, in a real browser: long words that
 * widened pages, a stale second tab, refusals without a way on, one-click
 * undo, bare error pages. State is set up through the
 * engine; each check looks at the page as rendered, with a screenshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HelloWorldFlow } from '../../examples/helloworld.ts';
import { ShipmentFlow } from '../../examples/shipment.ts';
import { startDemo, type RunningDemo } from '../web/support/demo.ts';
import { chromiumMissing, JOURNEY_TIMEOUT, launch, messages, screenshot, signIn, type Chromium } from './browser.ts';

const missing = chromiumMissing();

/** 250 characters without a space: the longest message hello world takes. */
const LONG = 'W'.repeat(250);

const SHIPMENT = {
  first_name: 'Ann',
  last_name: 'Lee',
  email: 'ann@example.com',
  address: '1 Main Street',
  zip_code: '12345',
  city: 'Springfield',
  country: 'US',
  goods: `Books ${'B'.repeat(200)}`,
  weight_kg: 3,
};

describe.skipIf(missing)('usability in the browser', JOURNEY_TIMEOUT, () => {
  let demo: RunningDemo;
  let chromium: Chromium;
  let supervisor: Page;
  let warehouse: Page;
  /** Failed requests and console errors on every page of the signed-in users, but for the refusal pages the tests ask for. */
  const problems: string[] = [];
  const refusals = new Set<string>();

  beforeAll(async () => {
    [demo, chromium] = await Promise.all([startDemo(), launch()]);
    supervisor = await signIn(chromium.browser, demo.origin, 'supervisor');
    warehouse = await signIn(chromium.browser, demo.origin, 'warehouse');
    for (const page of [supervisor, warehouse]) {
      page.on('response', (response) => {
        if (response.status() < 400) return;
        if (response.request().resourceType() === 'document') refusals.add(response.url());
        else problems.push(`${response.status()} ${response.url()}`);
      });
      // A failed subresource also shows here ("Failed to load resource: … 404"). (Headless
      // Chrome asks for no favicon: the layout's inline icon is checked in page-shell.test.)
      page.on('console', (message) => {
        if (message.type() === 'error' && !refusals.has(message.location().url)) problems.push(`console: ${message.text()} (${message.location().url})`);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await demo?.close();
  });

  /** How much wider than the window the page is (0: not at all). */
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  async function helloWaiting(text: string) {
    const process = await demo.engine.start(HelloWorldFlow, 'start', { data: { text }, user: await demo.user('employee') });
    const approve = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'approve')!;
    return { process, approve, url: `/workflow/helloworld/${process.id}/approve/${approve.id}` };
  }

  it('a 250-character word wraps: queue and task page stay as wide as the window, at 1280 and at 390 px', async () => {
    const { url } = await helloWaiting(LONG);
    await supervisor.setViewportSize({ width: 1280, height: 900 });
    await supervisor.goto('/workflow/queue');
    expect(await overflow(supervisor)).toBe(0);
    await screenshot(supervisor, 'long-word-queue-1280');
    await supervisor.goto(url);
    expect(await overflow(supervisor)).toBe(0);
    await screenshot(supervisor, 'long-word-task-1280');

    const shipment = await demo.engine.start(ShipmentFlow, 'start', { data: SHIPMENT, user: await demo.user('clerk') });
    const pack = (await demo.engine.getTasks(shipment.id)).find((t) => t.node === 'package_goods')!;
    const user = await demo.user('warehouse');
    await demo.engine.assign(pack.id, { user });
    await demo.engine.execute(pack.id, { user, data: { package_count: 1 } });
    await warehouse.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of ['/workflow/archive', `/workflow/shipment/${shipment.id}`, '/workflow/shipment', '/workflow/inbox']) {
        await warehouse.goto(path);
        expect(await overflow(warehouse), path).toBe(0);
      }
      // A table too wide for the phone scrolls inside its own box.
      await warehouse.goto(`/workflow/shipment/${shipment.id}`);
      const box = await warehouse.locator('.fl-table-wrap').first().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
      expect(box.overflowX).toBe('auto');
      await screenshot(warehouse, 'narrow-process-390');
      await warehouse.goto('/workflow/archive');
      await screenshot(warehouse, 'narrow-archive-390');
    } finally {
      await warehouse.setViewportSize({ width: 1200, height: 900 });
    }
  });

  it('a stale second tab: completing again says it is already done and links to the task, not back to the form', async () => {
    const { url } = await helloWaiting('Stale tab');
    await supervisor.goto(url);
    await supervisor.getByRole('button', { name: /^Assign to me/ }).click();
    await supervisor.waitForURL(new RegExp(`${url}/execute$`));
    const second = await supervisor.context().newPage();
    try {
      await second.goto(`${url}/execute`);
      await supervisor.getByRole('button', { name: 'Complete' }).click();
      await supervisor.waitForURL(/\/workflow\/inbox$/);
      await second.getByRole('button', { name: 'Complete' }).click();
      await second.getByRole('heading', { name: 'Already done' }).waitFor();
      expect(await second.getByRole('alert').innerText()).toMatch(/^You already completed this task at .* UTC \(in another tab or window, perhaps\)\.$/);
      await screenshot(second, 'stale-tab-already-done');
      await second.getByRole('link', { name: /^View Approve message/ }).click();
      await second.waitForURL(new RegExp(`${url}$`));
      expect(await second.getByText('Done', { exact: true }).first().isVisible()).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('a task not assigned yet: the refusal offers Assign to me, which opens the form; the browser checks the number first', async () => {
    const shipment = await demo.engine.start(ShipmentFlow, 'start', { data: { ...SHIPMENT, goods: 'Lamps' }, user: await demo.user('clerk') });
    const pack = (await demo.engine.getTasks(shipment.id)).find((t) => t.node === 'package_goods')!;
    const url = `/workflow/shipment/${shipment.id}/package_goods/${pack.id}`;
    await warehouse.goto(`${url}/execute`);
    expect(await warehouse.getByRole('alert').innerText()).toBe('This task is not assigned to anyone yet: assign it to yourself to work on it.');
    await screenshot(warehouse, 'refusal-offers-assign');
    await warehouse.getByRole('button', { name: /^Assign to me/ }).click();
    await warehouse.waitForURL(new RegExp(`${url}/execute$`));

    // 2.5 packages: the browser refuses before posting, with its own hint.
    const input = warehouse.getByLabel('Number of packages');
    await input.fill('2.5');
    await warehouse.getByRole('button', { name: 'Complete' }).click();
    expect(await input.evaluate((el: HTMLInputElement) => el.validity.stepMismatch)).toBe(true);
    expect(warehouse.url()).toMatch(/\/execute$/);
    expect((await demo.engine.getTask(pack.id)).status).toBe('ASSIGNED');
    // Past the browser (an old one, a script): the server says the same in words.
    await warehouse.evaluate(() => document.querySelector('form.fl-form')!.setAttribute('novalidate', ''));
    await warehouse.getByRole('button', { name: 'Complete' }).click();
    await warehouse.locator('#error-package_count').waitFor();
    expect(await warehouse.locator('#error-package_count').innerText()).toBe('Enter a whole number.');
    await screenshot(warehouse, 'form-error-whole-number');
  });

  it('the task page says why there is nothing to do', async () => {
    const { url } = await helloWaiting('Not yours');
    const employee = await signIn(chromium.browser, demo.origin, 'employee');
    try {
      await employee.goto(url);
      expect(await employee.locator('.fl-reason').innerText()).toBe(
        "Nothing for you to do here now. You don't have the permission to take this task (it needs the helloworld.can_approve permission).",
      );
      await screenshot(employee, 'task-why-nothing-to-do');
    } finally {
      await employee.context().close();
    }
  });

  it('undo of a finished process’s End asks first; keeping it changes nothing, confirming reopens it', async () => {
    const { process, approve } = await helloWaiting('Undo the end');
    const user = await demo.user('supervisor');
    await demo.engine.assign(approve.id, { user });
    await demo.engine.execute(approve.id, { user, data: { approved: false } });
    await supervisor.goto(`/workflow/helloworld/${process.id}`);
    await supervisor.getByRole('link', { name: /^Undo… : End/ }).click();
    await supervisor.getByRole('heading', { name: /^Undo End #\d+\?$/ }).waitFor();
    await screenshot(supervisor, 'confirm-undo-end');
    await supervisor.getByRole('link', { name: 'No, keep it' }).click();
    expect((await demo.engine.getProcess(process.id)).status).toBe('DONE');

    await supervisor.goto(`/workflow/helloworld/${process.id}`);
    await supervisor.getByRole('link', { name: /^Undo… : End/ }).click();
    await supervisor.getByRole('button', { name: 'Yes, undo End' }).click();
    await supervisor.waitForURL(new RegExp(`/workflow/helloworld/${process.id}$`));
    expect((await messages(supervisor)).some((m) => /^End \(task #\d+\) undone\.$/.test(m))).toBe(true);
    expect((await demo.engine.getProcess(process.id)).status).toBe('NEW');
    expect(await supervisor.locator('.fl-data dd').first().innerText()).toBe('Running');
  });

  it('an unknown address gets the 404 page in the layout; no page had a failed request or a console error', async () => {
    const response = await supervisor.goto('/workflow/nosuchflow');
    expect(response!.status()).toBe(404);
    await supervisor.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await supervisor.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await screenshot(supervisor, 'not-found');
    await supervisor.getByRole('link', { name: 'Go to the start page' }).click();
    await supervisor.waitForURL(/\/workflow$/);
    expect(problems).toEqual([]);
  });
});
