/** Hello world in a real browser: an employee writes, a supervisor approves or rejects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../web/support/demo.ts';
import { chromiumMissing, JOURNEY_TIMEOUT, launch, messages, screenshot, signIn, type Chromium } from './browser.ts';

const missing = chromiumMissing();

describe.skipIf(missing)('hello world in the browser', JOURNEY_TIMEOUT, () => {
  let demo: RunningDemo;
  let chromium: Chromium;
  let employee: Page;
  let supervisor: Page;

  beforeAll(async () => {
    [demo, chromium] = await Promise.all([startDemo(), launch()]);
    employee = await signIn(chromium.browser, demo.origin, 'employee');
    supervisor = await signIn(chromium.browser, demo.origin, 'supervisor');
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await demo?.close();
  });

  /** The employee starts a process from the start page; returns its number. */
  async function write(text: string): Promise<number> {
    await employee.goto('/workflow');
    await employee.getByRole('link', { name: 'New message' }).click();
    await employee.getByLabel('Message').fill(text);
    await employee.getByRole('button', { name: 'Start' }).click();
    await employee.waitForURL(/\/workflow\/inbox$/);
    const [started] = await messages(employee);
    return Number(/Hello world #(\d+) started/.exec(started!)![1]);
  }

  /** The supervisor takes the approval from the queue and decides. */
  async function decide(text: string, approve: boolean): Promise<void> {
    await supervisor.goto('/workflow/queue');
    const row = supervisor.getByRole('row').filter({ hasText: `Approve “${text}”` });
    await row.getByRole('button', { name: 'Assign to me' }).click();
    await supervisor.getByRole('heading', { name: 'Approve message' }).waitFor();
    expect(await supervisor.getByText(text).count()).toBeGreaterThan(0); // the message is shown beside the form
    if (approve) await supervisor.getByLabel('Approve this message').check();
    await supervisor.getByRole('button', { name: 'Complete' }).click();
    await supervisor.waitForURL(/\/workflow\/inbox$/);
  }

  it('approved: the message is sent and the process finishes', async () => {
    const processId = await write('Lunch at noon');
    expect(await employee.getByRole('link', { name: /^Queue/ }).innerText()).toBe('Queue (0)'); // only supervisors approve

    await decide('Lunch at noon', true);
    expect(await messages(supervisor)).toContain(`Approve message (task #${(await demo.engine.getTasks(processId)).find((t) => t.node === 'approve')!.id}) done.`);

    // Sending may run in the background: wait for the process to finish.
    await expect.poll(async () => (await demo.engine.getProcess(processId)).status).toBe('DONE');
    await supervisor.goto(`/workflow/helloworld/${processId}`);
    const tasks = await supervisor.getByRole('table').getByRole('row').allInnerTexts();
    expect(tasks.slice(1).map((row) => row.split('\t')[1]?.split('\n')[0])).toEqual(['New message', 'Approve message', 'Check approve', 'Send message', 'End']);
    expect(await supervisor.locator('.fl-data dd').first().innerText()).toBe('Done');
    await screenshot(supervisor, 'process-finished');
    expect((await demo.engine.getProcess(processId)).data).toEqual({ text: 'Lunch at noon', approved: true, sent: true });
  });

  it('rejected: nothing is sent and the process finishes', async () => {
    const processId = await write('Party all night');
    await decide('Party all night', false);
    await supervisor.goto(`/workflow/helloworld/${processId}`);
    const rows = await supervisor.getByRole('table').getByRole('row').allInnerTexts();
    expect(rows.some((row) => row.includes('Send message'))).toBe(false);
    expect((await demo.engine.getProcess(processId))).toMatchObject({ status: 'DONE', data: { approved: false, sent: false } });
  });

  it('the employee sees finished work in the archive and a refused action explained', async () => {
    await employee.goto('/workflow/archive');
    expect(await employee.getByRole('row').filter({ hasText: 'New message' }).count()).toBeGreaterThanOrEqual(2);
    const processId = await write('Refuse me');
    const approve = (await demo.engine.getTasks(processId)).find((t) => t.node === 'approve')!;
    await employee.goto(`/workflow/helloworld/${processId}/approve/${approve.id}/execute`);
    expect(await employee.getByRole('heading', { name: 'Not allowed' }).count()).toBe(1);
    expect(await employee.getByRole('alert').innerText()).toBe("You don't have the permission to take this task (it needs the helloworld.can_approve permission).");
    expect(await employee.getByRole('button', { name: /Assign to me/ }).count()).toBe(0); // the employee may not
    await employee.getByRole('link', { name: `Open Hello world #${processId}` }).click();
    await employee.waitForURL(new RegExp(`/workflow/helloworld/${processId}$`));
  });
});
