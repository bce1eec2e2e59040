/**
 * The example flows, driven from code through every path, with the users
 * their permissions are written for.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PermissionDeniedError, type Engine, type FlowUser } from '../../src/index.ts';
import { HelloWorldFlow } from '../../examples/helloworld.ts';
import { ShipmentFlow, type ShipmentData } from '../../examples/shipment.ts';
import { ReviewFlow } from '../../examples/review.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { startWorker, type Worker } from '../../src/jobs/index.ts';

const DAY = 86_400_000;

const writer = user('writer', { permissions: ['helloworld.can_start'] });
const supervisor = user('supervisor', { permissions: ['helloworld.can_approve', 'helloworld.can_escalate'] });
const clerkPermissions = ['start', 'shipment_type', 'check_insurance', 'fill_post_label', 'request_quotes', 'pick_quote'].map(
  (node) => `shipment.can_${node}`,
);
const clerk = user('clerk', { permissions: clerkPermissions });
const packer = user('packer', { permissions: ['shipment.can_package_goods', 'shipment.can_move_package'] });
const otherPacker = user('packer2', { permissions: ['shipment.can_package_goods', 'shipment.can_move_package'] });
const insurer = user('insurer', { permissions: ['shipment.can_take_extra_insurance'] });
const reviewer = user('reviewer', { permissions: ['review.can_start', 'review.can_review'] });

const customer = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  address: '12 St James Square',
  zip_code: 'SW1Y',
  city: 'London',
  country: 'UK',
  goods: 'Analytical engine parts',
  weight_kg: 12.5,
};

await describeEachDatabase('example flows', (db) => {
  let engine: Engine;
  let worker: Worker;
  let now = Date.UTC(2030, 0, 1);
  beforeEach(async () => {
    now = Date.UTC(2030, 0, 1);
    engine = await engineOn(db.url, [HelloWorldFlow, ShipmentFlow, ReviewFlow], { now: () => now });
    worker = await startWorker(engine, { pollInterval: 20, sweepInterval: 100 });
  });
  afterEach(async () => {
    await worker.stop();
    await engine.close();
  });

  /** Waits until the worker has finished the process (the hello world message is sent by a job). */
  async function finished(processId: number) {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const process = await engine.getProcess(processId);
      if (process.status !== 'NEW') return process;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`process ${processId} did not finish`);
  }

  /** The one open task of `node` in the process. */
  async function open(processId: number, node: string) {
    const tasks = (await engine.getTasks(processId)).filter((t) => t.node === node && !['DONE', 'CANCELED', 'REVIVED'].includes(t.status));
    expect(tasks, `one open ${node} task`).toHaveLength(1);
    return tasks[0]!;
  }

  /** Takes the task if it is not assigned yet, then executes it with `data`. */
  async function work(processId: number, node: string, person: FlowUser, data: Record<string, unknown> = {}) {
    const task = await open(processId, node);
    if (task.status === 'NEW') await engine.assign(task.id, { user: person });
    else expect(task.ownerId, `${node} is assigned to ${person.username}`).toBe(person.id);
    return engine.execute(task.id, { user: person, data });
  }

  const nodes = async (processId: number) => (await engine.getTasks(processId)).map((t) => t.node);

  it('hello world: an approved message is sent', async () => {
    await expect(engine.start(HelloWorldFlow, 'start', { user: supervisor, data: { text: 'Hi' } })).rejects.toThrow(PermissionDeniedError);
    const process = await engine.start(HelloWorldFlow, 'start', { user: writer, data: { text: 'Hello, world' } });
    await expect(work(process.id, 'approve', writer)).rejects.toThrow(PermissionDeniedError);
    await work(process.id, 'approve', supervisor, { approved: true });
    // The approval commits with the job waiting; the worker sends and finishes.
    expect((await open(process.id, 'send')).taskType).toBe('JOB');
    const done = await finished(process.id);
    expect(done).toMatchObject({ status: 'DONE', data: { text: 'Hello, world', approved: true, sent: true } });
    expect(await nodes(process.id)).toEqual(['start', 'approve', 'checkApprove', 'send', 'end']);
  });

  it('hello world: an approval nobody gives within two days goes to the escalation task', async () => {
    const process = await engine.start(HelloWorldFlow, 'start', { user: writer, data: { text: 'Urgent' } });
    const approve = await open(process.id, 'approve');
    expect(approve.scheduled).toBe(now + 2 * DAY);
    now += 2 * DAY + 1;
    const escalate = await (async () => {
      for (let waited = 0; waited < 10_000; waited += 20) {
        const found = (await engine.getTasks(process.id)).find((t) => t.node === 'escalate');
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('the escalation task did not appear');
    })();
    expect((await engine.getTask(approve.id)).status).toBe('CANCELED');
    await engine.assign(escalate.id, { user: supervisor });
    await engine.execute(escalate.id, { user: supervisor, data: { approved: true } });
    expect(await finished(process.id)).toMatchObject({ status: 'DONE', data: { sent: true } });
  });

  it('hello world: a rejected message is not sent', async () => {
    const process = await engine.start(HelloWorldFlow, 'start', { user: writer, data: { text: 'Spam' } });
    await work(process.id, 'approve', supervisor, { approved: false });
    expect(await finished(process.id)).toMatchObject({ status: 'DONE', data: { approved: false, sent: false } });
    expect(await nodes(process.id)).toEqual(['start', 'approve', 'checkApprove', 'end']);
  });

  it('hello world: an empty message is refused at start', async () => {
    await expect(engine.start(HelloWorldFlow, 'start', { user: writer, data: { text: '' } })).rejects.toThrow(/text:/);
  });

  async function shipmentUntilCarrier(carrier: ShipmentData['carrier']) {
    const process = await engine.start(ShipmentFlow, 'start', { user: clerk, data: customer });
    // The clerk who started it chooses the carrier; the warehouse packs meanwhile.
    await work(process.id, 'shipment_type', clerk, { carrier });
    await work(process.id, 'package_goods', packer, { package_count: 2 });
    return process;
  }

  it('shipment: national post with extra insurance', async () => {
    const process = await shipmentUntilCarrier('default');
    await work(process.id, 'check_insurance', clerk, { need_insurance: true });
    await expect(work(process.id, 'take_extra_insurance', clerk)).rejects.toThrow(PermissionDeniedError);
    await work(process.id, 'take_extra_insurance', insurer, { insurance_company: 'Lloyd', insurance_cost: 40 });
    await work(process.id, 'fill_post_label', clerk, { post_label: 'RR123456789GB' });
    // Moving the package is assigned to whoever packed it.
    const move = await open(process.id, 'move_package');
    expect([move.status, move.ownerId]).toEqual(['ASSIGNED', packer.id]);
    await expect(engine.execute(move.id, { user: otherPacker })).rejects.toThrow(PermissionDeniedError);
    await work(process.id, 'move_package', packer, { pickup_date: '2026-12-24' });

    const finished = await engine.getProcess<ShipmentData>(process.id);
    expect(finished.status).toBe('DONE');
    expect(finished.data).toMatchObject({ carrier: 'default', need_insurance: true, insurance_company: 'Lloyd', post_label: 'RR123456789GB' });
    const tasks = await engine.getTasks(process.id);
    expect(tasks.filter((t) => t.node === 'join_clerk_warehouse')).toHaveLength(1);
    expect(tasks.every((t) => t.status === 'DONE')).toBe(true);
  });

  it('shipment: national post without extra insurance skips the insurance branch', async () => {
    const process = await shipmentUntilCarrier('default');
    await work(process.id, 'check_insurance', clerk, { need_insurance: false });
    await work(process.id, 'fill_post_label', clerk, { post_label: 'RR1' });
    await work(process.id, 'move_package', packer, { pickup_date: '2026-12-24' });
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
    expect(await nodes(process.id)).not.toContain('take_extra_insurance');
  });

  it('shipment: another carrier is booked through quotes', async () => {
    const process = await shipmentUntilCarrier('dhl');
    await work(process.id, 'request_quotes', clerk, { quotes: 'DHL 40 EUR 2 days' });
    await work(process.id, 'pick_quote', clerk, { chosen_quote: 'DHL 2 days', quote_price: 40 });
    await work(process.id, 'move_package', packer, { pickup_date: '2026-12-24' });
    const finished = await engine.getProcess<ShipmentData>(process.id);
    expect(finished).toMatchObject({ status: 'DONE', data: { carrier: 'dhl', quote_price: 40 } });
    const visited = await nodes(process.id);
    expect(visited).not.toContain('check_insurance');
    expect(visited).toContain('pick_quote');
  });

  it('shipment: the warehouse packing last still joins once', async () => {
    const process = await engine.start(ShipmentFlow, 'start', { user: clerk, data: customer });
    await work(process.id, 'shipment_type', clerk, { carrier: 'ups' });
    await work(process.id, 'request_quotes', clerk, { quotes: 'UPS' });
    await work(process.id, 'pick_quote', clerk, { chosen_quote: 'UPS', quote_price: 10 });
    expect((await open(process.id, 'join_clerk_warehouse')).status).toBe('STARTED');
    await work(process.id, 'package_goods', otherPacker, { package_count: 1 });
    const move = await open(process.id, 'move_package');
    expect(move.ownerId).toBe(otherPacker.id);
  });

  it('shipment: invalid data is refused with the field named, and nothing changes', async () => {
    await expect(engine.start(ShipmentFlow, 'start', { user: clerk, data: { ...customer, email: 'not-an-email' } })).rejects.toThrow(/email/);
    const process = await engine.start(ShipmentFlow, 'start', { user: clerk, data: customer });
    await expect(work(process.id, 'shipment_type', clerk, { carrier: 'pigeon' })).rejects.toThrow(/carrier/);
    expect((await open(process.id, 'shipment_type')).status).toBe('ASSIGNED');
  });

  it('review: one task per document, joined when all are reviewed', async () => {
    const process = await engine.start(ReviewFlow, 'start', { user: reviewer, data: { title: 'Q4', items: ['plan.pdf', 'budget.xlsx'] } });
    const reviews = (await engine.getTasks(process.id)).filter((t) => t.node === 'review');
    expect(reviews.map((t) => t.data.item)).toEqual(['plan.pdf', 'budget.xlsx']);
    for (const review of reviews) {
      await engine.assign(review.id, { user: reviewer });
      await engine.execute(review.id, { user: reviewer, taskData: { verdict: 'accept' } });
    }
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });
});
