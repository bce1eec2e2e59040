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
    expect((await outsider.get('/workflow/helloworld/start')).status).toBe(403);
    expect((await outsider.postForm('/workflow/helloworld/start', { text: 'Hi' })).status).toBe(403);
    expect(await processCount('helloworld')).toBe(before);
  });

  it('assign, by a user who may see the task but not take it', async () => {
    const { approve, url } = await helloWaiting();
    const response = await employee.postForm(`${url}/assign`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('may not take tasks of &quot;approve&quot;');
    expect((await demo.engine.getTask(approve.id)).status).toBe('NEW');
  });

  it('reading and acting on a task of a flow the user may not see', async () => {
    const { approve, url } = await helloWaiting();
    expect((await outsider.get(url)).status).toBe(403);
    expect((await outsider.postForm(`${url}/assign`)).status).toBe(403);
    expect((await outsider.get(`/workflow/helloworld/${approve.processId}`)).status).toBe(403);
    expect((await outsider.get('/workflow/helloworld')).status).toBe(403);
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
