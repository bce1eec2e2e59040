/**
 * The web UI over real HTTP: the demo app on a free port, driven by
 * clients signed in as its users. State is set up through the engine and
 * every refusal is checked to have changed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/web/auth/users.ts';
import { HelloWorldFlow } from '../../examples/helloworld.ts';
import { ReviewFlow } from '../../examples/review.ts';
import { ShipmentFlow } from '../../examples/shipment.ts';
import { startDemo, type Client, type RunningDemo } from './support/demo.ts';

let demo: RunningDemo;
let employee: Client;
let supervisor: Client;
let clerk: Client;
let admin: Client;
let outsider: Client;

beforeAll(async () => {
  demo = await startDemo();
  await createUser(demo.engine.database.db, { username: 'outsider', password: 'outsider-pw' });
  [employee, supervisor, clerk, admin, outsider] = await Promise.all([
    demo.client('employee'),
    demo.client('supervisor'),
    demo.client('clerk'),
    demo.client('admin'),
    demo.client('outsider', 'outsider-pw'),
  ]);
});

afterAll(() => demo?.close());

const SHIPMENT = {
  first_name: 'Ann',
  last_name: 'Lee',
  email: 'ann@example.com',
  address: '1 Main Street',
  zip_code: '12345',
  city: 'Springfield',
  country: 'US',
  goods: 'Books',
  weight_kg: 3,
};

/** A hello world process waiting for approval, and its approve task. */
async function helloWaiting(text = 'Hello') {
  const process = await demo.engine.start(HelloWorldFlow, 'start', { data: { text }, user: await demo.user('employee') });
  const approve = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'approve')!;
  return { process, approve, url: `/workflow/helloworld/${process.id}/approve/${approve.id}` };
}

async function processCount(flow: string): Promise<number> {
  const rows = await demo.engine.database.db.selectFrom('flowlane_process').select('id').where('flow', '=', flow).execute();
  return rows.length;
}

describe('signing in', () => {
  it('sends anonymous page views to the login page and refuses anonymous posts', async () => {
    const anonymous = new (employee.constructor as new (origin: string) => Client)(demo.origin);
    const page = await anonymous.get('/workflow/inbox');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/accounts/login?next=%2Fworkflow%2Finbox');
    const { url } = await helloWaiting();
    expect((await anonymous.post(`${url}/assign`, {})).status).toBe(403); // no CSRF token: refused before anything else
  });
});

describe('refusals without permission (403), nothing changed', () => {
  it('start', async () => {
    const before = await processCount('helloworld');
    const page = await outsider.html('/workflow/helloworld/start');
    expect(page.status).toBe(403);
    expect(page.html).toContain('You don&#39;t have the permission to start Hello world (it needs the helloworld.can_start permission).');
    expect((await outsider.postForm('/workflow/helloworld/start', { text: 'Hi' })).status).toBe(403);
    expect(await processCount('helloworld')).toBe(before);
  });

  it('assign, by a user who may see the task but not take it', async () => {
    const { approve, url } = await helloWaiting();
    const response = await employee.postForm(`${url}/assign`);
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('You don&#39;t have the permission to take this task (it needs the helloworld.can_approve permission).');
    expect(html).toContain('Technical reason: Cannot assign task'); // the engine's words, small, under the message
    expect((await demo.engine.getTask(approve.id)).status).toBe('NEW');
  });

  it('reading and acting on a task of a flow the user may not see', async () => {
    const { approve, url } = await helloWaiting();
    expect((await outsider.get(url)).status).toBe(403);
    expect((await outsider.postForm(`${url}/assign`)).status).toBe(403);
    expect((await outsider.get(`/workflow/helloworld/${approve.processId}`)).status).toBe(403);
    const dashboard = await outsider.html('/workflow/helloworld');
    expect(dashboard.status).toBe(403);
    expect(dashboard.html).toContain('You don&#39;t have access to Hello world (that needs the helloworld.view permission).');
    expect((await outsider.html(url)).html).toContain('You don&#39;t have access to this task of Hello world');
    expect((await outsider.get('/workflow/helloworld/processes')).status).toBe(403);
    expect((await demo.engine.getTask(approve.id)).status).toBe('NEW');
  });

  it('execute, unassign and cancel of a task someone else owns', async () => {
    const { approve, url } = await helloWaiting();
    await demo.engine.assign(approve.id, { user: await demo.user('supervisor') });
    for (const action of ['execute', 'unassign', 'cancel']) {
      expect((await employee.postForm(`${url}/${action}`, { approved: 'on' })).status, action).toBe(403);
    }
    expect((await employee.get(`${url}/execute`)).status).toBe(403);
    const task = await demo.engine.getTask(approve.id);
    expect(task.status).toBe('ASSIGNED');
    expect((await demo.engine.getProcess(approve.processId)).data).toMatchObject({ approved: false });
  });

  it('reassign, undo, revive and cancel process without the manage permission', async () => {
    const review = await demo.engine.start(ReviewFlow, 'start', { data: { title: 'Specs', items: ['a', 'b'] }, user: await demo.user('employee') });
    const [first, second] = (await demo.engine.getTasks(review.id)).filter((t) => t.node === 'review');
    const base = `/workflow/review/${review.id}/review`;
    await demo.engine.assign(first!.id, { user: await demo.user('supervisor') });
    expect((await employee.postForm(`${base}/${first!.id}/reassign`, { username: 'admin' })).status).toBe(403);
    expect((await demo.engine.getTask(first!.id)).ownerId).toBe((await demo.user('supervisor')).id);

    const start = (await demo.engine.getTasks(review.id)).find((t) => t.node === 'start')!;
    expect((await employee.postForm(`/workflow/review/${review.id}/start/${start.id}/undo`)).status).toBe(403);
    await demo.engine.cancelTask(second!.id, { user: await demo.user('supervisor') });
    expect((await employee.postForm(`${base}/${second!.id}/revive`)).status).toBe(403);
    expect((await employee.postForm(`/workflow/review/${review.id}/cancel`)).status).toBe(403);
    expect((await demo.engine.getTask(second!.id)).status).toBe('CANCELED');
    expect((await demo.engine.getProcess(review.id)).status).toBe('NEW');
  });
});

describe('ids of another flow, process or node (404)', () => {
  it('for reading and for every action, even as a superuser', async () => {
    const { process, approve } = await helloWaiting();
    const review = await demo.engine.start(ReviewFlow, 'start', { data: { title: 'T', items: ['x'] }, user: await demo.user('employee') });
    const wrong = [
      `/workflow/review/${process.id}/approve/${approve.id}`, // another flow
      `/workflow/helloworld/${review.id}/approve/${approve.id}`, // another process
      `/workflow/helloworld/${process.id}/review/${approve.id}`, // another node
      `/workflow/helloworld/${process.id}/approve/999999`, // no such task
    ];
    for (const url of wrong) {
      expect((await admin.get(url)).status, url).toBe(404);
      expect((await admin.get(`${url}/execute`)).status, `${url}/execute`).toBe(404);
      for (const action of ['execute', 'assign', 'unassign', 'reassign', 'cancel', 'undo', 'revive']) {
        expect((await admin.postForm(`${url}/${action}`, { username: 'admin' })).status, `${url}/${action}`).toBe(404);
      }
    }
    for (const path of [`/workflow/review/${process.id}`, `/workflow/review/${process.id}/next`, '/workflow/helloworld/999999']) {
      expect((await admin.get(path)).status, path).toBe(404);
    }
    expect((await admin.postForm(`/workflow/review/${process.id}/cancel`)).status).toBe(404);
    expect((await demo.engine.getTask(approve.id)).status).toBe('NEW');
    expect((await demo.engine.getProcess(process.id)).status).toBe('NEW');
  });
});

describe('CSRF', () => {
  it('refuses a post without the token, or with a wrong one', async () => {
    const { approve, url } = await helloWaiting();
    expect((await supervisor.post(`${url}/assign`, {})).status).toBe(403);
    expect((await supervisor.post(`${url}/assign`, { _csrf: 'forged' })).status).toBe(403);
    expect((await demo.engine.getTask(approve.id)).status).toBe('NEW');
  });
});

describe('forms', () => {
  it('a start form with invalid data shows errors beside the fields, keeps the values and starts nothing', async () => {
    const before = await processCount('shipment');
    const response = await clerk.postForm('/workflow/shipment/start', {
      ...Object.fromEntries(Object.entries(SHIPMENT).map(([k, v]) => [k, String(v)])),
      email: 'not an email',
      weight_kg: 'heavy',
      city: '',
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="error-email"');
    expect(html).toContain('id="error-weight_kg">Enter a number.');
    expect(html).toContain('id="error-city">This field is required.');
    expect(html).toMatch(/id="field-email"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="not an email"');
    expect(html).toContain('value="Ann"');
    expect(await processCount('shipment')).toBe(before);
  });

  it('a task form with invalid data writes nothing; valid data completes the task', async () => {
    const process = await demo.engine.start(ShipmentFlow, 'start', { data: SHIPMENT, user: await demo.user('clerk') });
    const pack = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'package_goods')!;
    const warehouse = await demo.client('warehouse');
    const url = `/workflow/shipment/${process.id}/package_goods/${pack.id}`;
    expect((await warehouse.postForm(`${url}/assign`)).headers.get('location')).toBe(`${url}/execute`);
    const invalid = await warehouse.postForm(`${url}/execute`, { package_count: '0' });
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain('id="error-package_count"');
    expect((await demo.engine.getTask(pack.id)).status).toBe('ASSIGNED');
    expect((await demo.engine.getProcess(process.id)).data).not.toHaveProperty('package_count');

    const valid = await warehouse.postForm(`${url}/execute`, { package_count: '2' });
    expect(valid.status).toBe(303);
    expect((await demo.engine.getTask(pack.id)).status).toBe('DONE');
    expect((await demo.engine.getProcess(process.id)).data).toMatchObject({ package_count: 2 });
  });

  it('a second execute of the same task is refused (409)', async () => {
    const { process, approve, url } = await helloWaiting('Twice');
    await supervisor.postForm(`${url}/assign`);
    expect((await supervisor.postForm(`${url}/execute`, { approved: 'on' })).status).toBe(303);
    const again = await supervisor.postForm(`${url}/execute`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(`Cannot execute task ${approve.id}: process ${process.id} is DONE`);
    expect((await demo.engine.getProcess(process.id)).data).toMatchObject({ approved: true });
  });

  it('inputs carry the schema’s limits, so the browser hints first', async () => {
    const start = (await employee.html('/workflow/helloworld/start')).html;
    expect(start).toMatch(/<input id="field-text" name="text" required=""[^>]*maxlength="250"/);
    expect(start).not.toContain('novalidate');
    const shipment = (await clerk.html('/workflow/shipment/start')).html;
    expect(shipment).toMatch(/<input id="field-weight_kg"[^>]*type="number" min="0" max="1000" step="any"/);
    const process = await demo.engine.start(ShipmentFlow, 'start', { data: SHIPMENT, user: await demo.user('clerk') });
    const pack = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'package_goods')!;
    const warehouse = await demo.client('warehouse');
    const url = `/workflow/shipment/${process.id}/package_goods/${pack.id}`;
    await warehouse.postForm(`${url}/assign`);
    expect((await warehouse.html(`${url}/execute`)).html).toMatch(/<input id="field-package_count"[^>]*type="number" min="1" max="100" step="1"/);
  });

  it('errors are plain words: a whole number, more than 0, at most 250 characters', async () => {
    const process = await demo.engine.start(ShipmentFlow, 'start', { data: SHIPMENT, user: await demo.user('clerk') });
    const pack = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'package_goods')!;
    const warehouse = await demo.client('warehouse');
    const url = `/workflow/shipment/${process.id}/package_goods/${pack.id}`;
    await warehouse.postForm(`${url}/assign`);
    const half = await warehouse.postForm(`${url}/execute`, { package_count: '2.5' });
    expect(half.status).toBe(422);
    expect(await half.text()).toContain('id="error-package_count">Enter a whole number.</span>');

    const weightless = await clerk.postForm('/workflow/shipment/start', { ...Object.fromEntries(Object.entries(SHIPMENT).map(([k, v]) => [k, String(v)])), weight_kg: '0' });
    expect(await weightless.text()).toContain('id="error-weight_kg">Must be more than 0.</span>');
    const long = await employee.postForm('/workflow/helloworld/start', { text: 'x'.repeat(251) });
    expect(long.status).toBe(422);
    const html = await long.text();
    expect(html).toContain('id="error-text">At most 250 characters.</span>');
    expect(html).not.toMatch(/Too big|expected string/);
  });
});

/** The main message of a refusal page. */
function alertOf(html: string): string | undefined {
  return /<p class="fl-refusal-message" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
}

/** A hello world process finished by the supervisor (rejected, so nothing is sent): its End task. */
async function helloFinished(text = 'Done') {
  const { process, approve } = await helloWaiting(text);
  const user = await demo.user('supervisor');
  await demo.engine.assign(approve.id, { user });
  await demo.engine.execute(approve.id, { user, data: { approved: false } });
  const end = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'end')!;
  expect((await demo.engine.getProcess(process.id)).status).toBe('DONE');
  return { process, approve, end, endUrl: `/workflow/helloworld/${process.id}/end/${end.id}` };
}

describe('refusals say why in words and lead on', () => {
  it('a stale second tab completing a task already done: who did it, and links to the task and process, not back to the form', async () => {
    const { process, approve, url } = await helloWaiting('Stale tab');
    await supervisor.postForm(`${url}/assign`);
    expect((await supervisor.postForm(`${url}/execute`, { approved: 'on' })).status).toBe(303);
    const stale = await supervisor.request(`${url}/execute`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: supervisor.csrf }),
      headers: { referer: `${demo.origin}${url}/execute` },
    });
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toContain('<h1>Already done</h1>');
    expect(alertOf(html)).toMatch(/^You already completed this task at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in another tab or window, perhaps\)\.$/);
    expect(html).toContain(`href="${url}"`);
    expect(html).toContain(`href="/workflow/helloworld/${process.id}"`);
    expect(html).not.toContain(`href="${url}/execute"`);
    expect(html).not.toContain('Go back');

    // Someone else's view of it names who completed it.
    const other = await admin.html(`${url}/execute`);
    expect(other.status).toBe(409);
    expect(alertOf(other.html)).toMatch(/^This task was already completed by supervisor at .* UTC; it is no longer open\.$/);
    expect((await demo.engine.getTask(approve.id)).status).toBe('DONE');
  });

  it('a task not yet assigned: the form page offers Assign to me, which leads to the form', async () => {
    const process = await demo.engine.start(ShipmentFlow, 'start', { data: SHIPMENT, user: await demo.user('clerk') });
    const pack = (await demo.engine.getTasks(process.id)).find((t) => t.node === 'package_goods')!;
    const warehouse = await demo.client('warehouse');
    const url = `/workflow/shipment/${process.id}/package_goods/${pack.id}`;
    for (const response of [await warehouse.get(`${url}/execute`), await warehouse.postForm(`${url}/execute`, { package_count: '1' })]) {
      expect(response.status).toBe(409); // not now: after assigning it is possible
      const html = await response.text();
      // The message in words; the engine's reason, if at all, only on the technical line.
      expect(alertOf(html)).toBe('This task is not assigned to anyone yet: assign it to yourself to work on it.');
      expect(html).toContain(`<form method="post" action="${url}/assign"`);
    }
    expect((await warehouse.postForm(`${url}/assign`)).headers.get('location')).toBe(`${url}/execute`);
  });

  it('the task page says why there is nothing to do: the permission it needs, or whose it is', async () => {
    const { approve, url } = await helloWaiting('Why not');
    const unassigned = (await employee.html(url)).html;
    expect(unassigned).toContain('Nothing for you to do here now.');
    expect(unassigned).toContain('You don&#39;t have the permission to take this task (it needs the helloworld.can_approve permission).');
    await demo.engine.assign(approve.id, { user: await demo.user('supervisor') });
    expect((await employee.html(url)).html).toContain('This task is assigned to supervisor; only they can work on it.');
    const execute = await employee.html(`${url}/execute`);
    expect(execute.status).toBe(403);
    expect(execute.html).toContain('This task is assigned to supervisor');
  });

  it('manager-only actions name the permission', async () => {
    const { endUrl } = await helloFinished('Managers only');
    const response = await employee.html(`${endUrl}/undo`);
    expect(response.status).toBe(403);
    expect(response.html).toContain('Only managers of Hello world may undo tasks (that needs the helloworld.manage permission).');
  });
});

describe('destructive actions ask first', () => {
  it('undo of a finished process’s End: a post without confirmation leads to the question, and only the confirmed post reopens it', async () => {
    const { process, end, endUrl } = await helloFinished('Undo me');
    const detail = (await admin.html(`/workflow/helloworld/${process.id}`)).html;
    expect(detail).toContain(`<a class="fl-button fl-button-danger" href="${endUrl}/undo">Undo…`);
    expect(detail).not.toContain(`action="${endUrl}/undo"`); // no one-click form

    const unconfirmed = await admin.postForm(`${endUrl}/undo`);
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get('location')).toBe(`${endUrl}/undo`);
    expect((await demo.engine.getTask(end.id)).status).toBe('DONE');
    expect((await demo.engine.getProcess(process.id)).status).toBe('DONE');

    const question = await admin.html(`${endUrl}/undo`);
    expect(question.status).toBe(200);
    expect(question.html).toContain(`<h1>Undo End #${end.id}?</h1>`);
    expect(question.html).toContain('Undoing its end reopens it');
    expect(question.html).toMatch(new RegExp(`<form method="post" action="${endUrl}/undo"[^>]*><input type="hidden" name="_csrf" value="[^"]+"/><input type="hidden" name="confirm" value="yes"/>`));
    expect(question.html).toContain(`<a class="fl-button fl-button-secondary" href="${endUrl}">No, keep it</a>`);

    expect((await admin.postForm(`${endUrl}/undo`, { confirm: 'yes' })).status).toBe(303);
    expect((await demo.engine.getProcess(process.id)).status).toBe('NEW');
  });

  it('cancel task: asks, then cancels', async () => {
    const { approve, url } = await helloWaiting('Cancel me');
    expect((await supervisor.postForm(`${url}/cancel`)).headers.get('location')).toBe(`${url}/cancel`);
    expect((await demo.engine.getTask(approve.id)).status).toBe('NEW');
    expect((await supervisor.html(`${url}/cancel`)).html).toContain('will be canceled: nobody can work on it any more');
    expect((await supervisor.postForm(`${url}/cancel`, { confirm: 'yes' })).status).toBe(303);
    expect((await demo.engine.getTask(approve.id)).status).toBe('CANCELED');
  });

  it('cancel process: asks, naming the open tasks, then cancels; once canceled, says so', async () => {
    const { process, approve } = await helloWaiting('Cancel the process');
    const cancelUrl = `/workflow/helloworld/${process.id}/cancel`;
    const detail = (await supervisor.html(`/workflow/helloworld/${process.id}`)).html;
    expect(detail).toContain(`<a class="fl-button fl-button-danger" href="${cancelUrl}">Cancel process…</a>`);
    expect((await supervisor.postForm(cancelUrl)).headers.get('location')).toBe(cancelUrl);
    expect((await demo.engine.getProcess(process.id)).status).toBe('NEW');
    const question = (await supervisor.html(cancelUrl)).html;
    expect(question).toContain(`Its open task (Approve message #${approve.id}) will be canceled`);
    expect(question).toContain('This cannot be undone.');
    expect((await supervisor.postForm(cancelUrl, { confirm: 'yes' })).status).toBe(303);
    expect((await demo.engine.getProcess(process.id)).status).toBe('CANCELED');
    const again = await supervisor.postForm(cancelUrl, { confirm: 'yes' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(`Hello world #${process.id} has already been canceled`);
  });
});

describe('pages in the layout for every refusal', () => {
  it('404 for an unknown flow or address, with the navigation and the way home', async () => {
    for (const path of ['/workflow/nosuchflow', '/workflow/helloworld/1/approve/1/nonsense', '/workflow/helloworld/999999']) {
      const { status, html } = await supervisor.html(path);
      expect(status, path).toBe(404);
      expect(html, path).toMatch(/^<!doctype html>/);
      expect(html, path).toContain('<h1>Page not found</h1>');
      expect(html, path).toContain('<nav class="fl-nav" aria-label="Main">');
      expect(html, path).toContain('Go to the start page');
    }
    const outside = await supervisor.html('/accounts/nothing-here');
    expect(outside.status).toBe(404);
    expect(outside.html).toContain('<h1>Page not found</h1>');
  });

  it('403 for a missing CSRF token', async () => {
    const { url } = await helloWaiting();
    const response = await supervisor.post(`${url}/assign`, {});
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('This form has expired or did not come from this site');
  });

  it('process statuses read Running, not New; task statuses are words', async () => {
    const { process, approve } = await helloWaiting('Status words');
    const dashboard = (await supervisor.html('/workflow/helloworld')).html;
    expect(dashboard).toContain('href="/workflow/helloworld/processes?status=running"');
    expect(dashboard).not.toContain('status=NEW');
    const running = (await supervisor.html('/workflow/helloworld/processes?status=running')).html;
    expect(running).toContain(`href="/workflow/helloworld/${process.id}"`);
    expect(running).toContain('<option value="running" selected="">Running</option>');
    const detail = (await supervisor.html(`/workflow/helloworld/${process.id}`)).html;
    expect(detail).toContain('<span class="fl-status fl-status-new">Running</span>');
    expect(detail).toContain('<span class="fl-status fl-status-new">Unassigned</span>');
    expect(detail).not.toMatch(/>New</);
    expect((await supervisor.html(`/workflow/helloworld/${process.id}/approve/${approve.id}`)).html).toContain('>Unassigned</span>');
  });
});

describe('journeys over HTTP', () => {
  it('hello world: start, take from the queue, approve; flash messages and the next-task redirect', async () => {
    const started = await employee.postForm('/workflow/helloworld/start', { text: 'Ship it' });
    expect(started.status).toBe(303);
    const next = started.headers.get('location')!;
    const processId = Number(/helloworld\/(\d+)\/next/.exec(next)![1]);
    expect((await employee.get(next)).headers.get('location')).toBe('/workflow/inbox'); // the employee has nothing more to do
    expect((await employee.html('/workflow/inbox')).html).toContain(`Hello world #${processId} started.`);

    const queue = (await supervisor.html('/workflow/queue')).html;
    const approve = new RegExp(`/workflow/helloworld/${processId}/approve/(\\d+)/assign`).exec(queue);
    expect(approve).not.toBeNull();
    expect((await employee.html('/workflow/queue')).html).not.toContain(`/workflow/helloworld/${processId}/approve/`);

    const url = `/workflow/helloworld/${processId}/approve/${approve![1]}`;
    const form = await supervisor.get((await supervisor.postForm(`${url}/assign`)).headers.get('location')!);
    expect(await form.text()).toContain('Ship it');
    const done = await supervisor.postForm(`${url}/execute`, { approved: 'on' });
    expect((await supervisor.get(done.headers.get('location')!)).headers.get('location')).toBe('/workflow/inbox');
    // Sending may run in the background: wait for the process to finish.
    await expect.poll(async () => (await demo.engine.getProcess(processId)).status).toBe('DONE');
    const detail = (await supervisor.html(`/workflow/helloworld/${processId}`)).html;
    expect(detail).toContain('fl-status-done');
    expect((await demo.engine.getProcess(processId)).data).toMatchObject({ approved: true, sent: true });
    expect((await supervisor.html('/workflow/archive')).html).toContain(url);
  });

  it('reassign moves an assigned review to someone who may review; to anyone else it is refused with a message', async () => {
    const review = await demo.engine.start(ReviewFlow, 'start', { data: { title: 'R', items: ['doc'] }, user: await demo.user('employee') });
    const task = (await demo.engine.getTasks(review.id)).find((t) => t.node === 'review')!;
    await demo.engine.assign(task.id, { user: await demo.user('supervisor') });
    const url = `/workflow/review/${review.id}/review/${task.id}`;
    expect((await supervisor.postForm(`${url}/reassign`, { username: 'warehouse' })).status).toBe(303);
    expect((await supervisor.html(url)).html).toContain('warehouse may not take tasks of');
    expect((await supervisor.postForm(`${url}/reassign`, { username: 'admin' })).status).toBe(303);
    expect((await demo.engine.getTask(task.id)).ownerId).toBe((await demo.user('admin')).id);
  });

  it('review: a list typed one per line becomes one review task per item, each verdict stored with its item', async () => {
    const started = await employee.postForm('/workflow/review/start', { title: 'Release', items: 'Notes\r\n\r\n Changelog \r\n' });
    expect(started.status).toBe(303);
    const processId = Number(/review\/(\d+)\/next/.exec(started.headers.get('location')!)![1]);
    const reviews = (await demo.engine.getTasks(processId)).filter((t) => t.node === 'review');
    expect(reviews.map((t) => t.data.item)).toEqual(['Notes', 'Changelog']);
    for (const [i, task] of reviews.entries()) {
      const url = `/workflow/review/${processId}/review/${task.id}`;
      const form = await supervisor.get((await supervisor.postForm(`${url}/assign`)).headers.get('location')!);
      expect(await form.text()).toContain(`Review “${task.data.item}” (Release)`);
      const verdict = i === 0 ? 'accept' : 'reject';
      expect((await supervisor.postForm(`${url}/execute`, { verdict, comment: '' })).status).toBe(303);
      expect((await demo.engine.getTask(task.id)).data).toEqual({ item: task.data.item, verdict });
    }
    expect((await demo.engine.getProcess(processId)).status).toBe('DONE');
  });

  it('the process list filters by status and text', async () => {
    const { process } = await helloWaiting('Needle in a haystack');
    const found = (await supervisor.html('/workflow/helloworld/processes?q=needle&status=NEW')).html;
    expect(found).toContain(`href="/workflow/helloworld/${process.id}"`);
    const none = (await supervisor.html('/workflow/helloworld/processes?q=needle&status=DONE')).html;
    expect(none).not.toContain(`href="/workflow/helloworld/${process.id}"`);
  });
});
