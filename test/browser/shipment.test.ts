/**
 * Shipment in a real browser, through both branches, each step done by
 * the role that owns it: the clerk, the warehouse and the supervisor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../web/support/demo.ts';
import { chromiumMissing, JOURNEY_TIMEOUT, launch, messages, screenshot, signIn, type Chromium } from './browser.ts';

const missing = chromiumMissing();

describe.skipIf(missing)('shipment in the browser', JOURNEY_TIMEOUT, () => {
  let demo: RunningDemo;
  let chromium: Chromium;
  let clerk: Page;
  let warehouse: Page;
  let supervisor: Page;

  beforeAll(async () => {
    [demo, chromium] = await Promise.all([startDemo(), launch()]);
    clerk = await signIn(chromium.browser, demo.origin, 'clerk');
    warehouse = await signIn(chromium.browser, demo.origin, 'warehouse');
    supervisor = await signIn(chromium.browser, demo.origin, 'supervisor');
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await demo?.close();
  });

  /** Fills the open form, submits it, and waits for the page that answers (another one, or the form again with errors). */
  async function submit(page: Page, fields: Record<string, string>, button = 'Complete'): Promise<void> {
    for (const [label, value] of Object.entries(fields)) {
      const field = page.getByLabel(label, { exact: true });
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
    await page.getByRole('button', { name: button }).click();
    await navigated;
    await page.waitForLoadState();
  }

  const onForm = (page: Page, node: string) => page.waitForURL(new RegExp(`/workflow/shipment/\\d+/${node}/\\d+/execute$`));

  /** The clerk enters a shipment; the next page is the clerk's next task, choosing the carrier. */
  async function enterShipment(name: string): Promise<number> {
    await clerk.goto('/workflow');
    await clerk.getByRole('link', { name: 'New shipment' }).click();
    await submit(
      clerk,
      {
        'First name': name,
        'Last name': 'Doe',
        Email: `${name.toLowerCase()}@example.com`,
        'Street address': '1 Main Street',
        'ZIP code': '12345',
        City: 'Springfield',
        Country: 'US',
        Goods: `Books for ${name}`,
        'Weight (kg)': '3.5',
      },
      'Start',
    );
    await onForm(clerk, 'shipment_type');
    return Number(/Shipment #(\d+) started/.exec((await messages(clerk))[0]!)![1]);
  }

  /** Takes the queued task whose row mentions `text` and lands on its form. */
  async function take(page: Page, text: string, node: string): Promise<void> {
    await page.goto('/workflow/queue');
    await page.getByRole('row').filter({ hasText: text }).getByRole('button', { name: 'Assign to me' }).click();
    await onForm(page, node);
  }

  async function nodesOf(processId: number): Promise<string[]> {
    return (await demo.engine.getTasks(processId)).map((t) => `${t.node}:${t.status}`);
  }

  it('default carrier with extra insurance: clerk, supervisor and warehouse finish it', async () => {
    const processId = await enterShipment('Alice');
    await clerk.goto('/workflow/inbox');
    expect(await clerk.getByRole('row').filter({ hasText: 'Choose carrier' }).count()).toBe(1);
    await screenshot(clerk, 'inbox');
    await clerk.getByRole('row').filter({ hasText: 'Shipment to Alice Doe' }).getByRole('link', { name: 'Open' }).click();

    await submit(clerk, { Carrier: 'default' });
    await onForm(clerk, 'check_insurance');
    await clerk.getByLabel('Needs extra insurance').check();
    await submit(clerk, {});
    await onForm(clerk, 'fill_post_label');
    await submit(clerk, { 'Post label number': 'PL-0001' });
    await clerk.waitForURL(/\/workflow\/inbox$/);

    await take(supervisor, 'Shipment to Alice Doe', 'take_extra_insurance');
    await submit(supervisor, { 'Insurance company': 'Safe & Sound', 'Insurance cost': '12.50' });

    await take(warehouse, 'Books for Alice', 'package_goods');
    // The browser knows the schema's limits (min 1) and refuses before posting.
    const packages = warehouse.getByLabel('Number of packages');
    await packages.fill('0');
    await warehouse.getByRole('button', { name: 'Complete' }).click();
    expect(await packages.evaluate((el: HTMLInputElement) => el.validity.rangeUnderflow)).toBe(true);
    expect(await nodesOf(processId)).toContain(`package_goods:ASSIGNED`);
    await submit(warehouse, { 'Number of packages': '2' });
    // Both sides are done: whoever packed moves the package, straight away.
    await onForm(warehouse, 'move_package');
    await submit(warehouse, { 'Pickup date': '2030-01-02' });
    await warehouse.waitForURL(/\/workflow\/inbox$/);

    const process = await demo.engine.getProcess(processId);
    expect(process.status).toBe('DONE');
    expect(process.data).toMatchObject({ carrier: 'default', need_insurance: true, insurance_company: 'Safe & Sound', insurance_cost: 12.5, post_label: 'PL-0001', package_count: 2, pickup_date: '2030-01-02' });
    expect(await nodesOf(processId)).not.toContain('request_quotes:DONE');
    await supervisor.goto(`/workflow/shipment/${processId}`);
    await screenshot(supervisor, 'shipment-finished');
  });

  it('another carrier: quotes are requested and one is picked, while the warehouse packs', async () => {
    const processId = await enterShipment('Bob');
    await take(warehouse, 'Books for Bob', 'package_goods');
    await submit(warehouse, { 'Number of packages': '1' });
    await warehouse.waitForURL(/\/workflow\/inbox$/); // nothing to move until the clerk is done

    await submit(clerk, { Carrier: 'dhl' });
    await onForm(clerk, 'request_quotes');
    await submit(clerk, { 'Quotes received': 'DHL express: 25 EUR, 2 days\nDHL economy: 12 EUR, 6 days' });
    await onForm(clerk, 'pick_quote');
    // 0 passes the browser (min 0) but not the schema (positive): the server's words beside the field.
    await submit(clerk, { 'Chosen quote': 'DHL economy', 'Price of the chosen quote': '0' });
    expect(await clerk.locator('#error-quote_price').innerText()).toBe('Must be more than 0.');
    expect(await clerk.getByLabel('Price of the chosen quote').getAttribute('aria-invalid')).toBe('true');
    expect(await clerk.getByLabel('Chosen quote', { exact: true }).inputValue()).toBe('DHL economy'); // kept
    await screenshot(clerk, 'task-form-validation-error');
    await submit(clerk, { 'Price of the chosen quote': '12' });
    await clerk.waitForURL(/\/workflow\/inbox$/);

    await warehouse.goto('/workflow/inbox');
    await warehouse.getByRole('row').filter({ hasText: 'Move package' }).filter({ hasText: 'Shipment to Bob Doe' }).getByRole('link', { name: 'Open' }).click();
    await submit(warehouse, { 'Pickup date': '2030-02-03' });

    const process = await demo.engine.getProcess(processId);
    expect(process.status).toBe('DONE');
    expect(process.data).toMatchObject({ carrier: 'dhl', chosen_quote: 'DHL economy', quote_price: 12, package_count: 1 });
    const nodes = await nodesOf(processId);
    expect(nodes).toContain('pick_quote:DONE');
    expect(nodes.some((n) => n.startsWith('check_insurance'))).toBe(false);
  });
});
