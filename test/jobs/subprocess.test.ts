import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { z } from 'zod';
import { Flow, flow, self, SYSTEM_USER, TransitionError, type Activation, type Engine } from '../../src/index.ts';
import { parentOf } from '../../src/jobs/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { user } from '../support/engine.ts';
import { harness, waitFor } from './support.ts';

const Order = z.object({ customer: z.string().default(''), items: z.array(z.string()).default([]) });
type O = z.infer<typeof Order>;
const Line = z.object({ customer: z.string().default(''), item: z.string().default(''), greeting: z.string().default(''), parentFlow: z.string().default('') });
type L = z.infer<typeof Line>;

/** The child: starts from its parent, then waits for code to pack it. */
class ShipFlow extends Flow<L> {
  static data = Line;
  start = flow.StartHandle(self.begin).Next(self.pack);
  pack = flow.Handle(self.readParent).Next(self.end);
  end = flow.End();

  begin(activation: Activation<L>, parent: Activation<O>, item?: string) {
    activation.process.data.greeting = `for ${parent.process.data.customer}`;
    if (item) activation.process.data.item = item;
  }
  async readParent(activation: Activation<L>) {
    activation.process.data.parentFlow = (await parentOf(activation))!.process.flow;
  }
}

class OrderFlow extends Flow<O> {
  static data = Order;
  start = flow.StartHandle().Next(self.ship);
  ship = flow.Subprocess(ShipFlow, 'start', { data: (a: Activation<O>) => ({ customer: a.process.data.customer }) }).Next(self.end);
  end = flow.End();
}

class BulkOrderFlow extends Flow<O> {
  static data = Order;
  start = flow.StartHandle().Next(self.ship);
  ship = flow.NSubprocess(ShipFlow, 'start', (a: Activation<O>) => a.process.data.items).Next(self.end);
  end = flow.End();
}

class ReviewFlow extends Flow {
  start = flow.StartHandle().Next(self.review);
  review = flow.View().Next(self.end);
  end = flow.End();
}

class ReviewedOrderFlow extends Flow {
  start = flow.StartHandle().Next(self.review);
  review = flow.Subprocess(ReviewFlow, 'start').Next(self.end);
  end = flow.End();
}

const FLOWS = [ShipFlow, OrderFlow, BulkOrderFlow, ReviewFlow, ReviewedOrderFlow];
const reviewer = user('rita');

await describeEachDatabase('subprocesses', (db) => {
  const h = harness(db, FLOWS);

  async function children(engine: Engine, parentProcessId: number) {
    const [task] = (await engine.getTasks(parentProcessId)).filter((t) => t.node === 'ship' || t.node === 'review');
    const rows = await engine.database.db.selectFrom('flowlane_process').select('id').where('parent_task_id', '=', task!.id).orderBy('id').execute();
    return { task: task!, ids: rows.map((r) => Number(r.id)) };
  }
  const statusOf = async (engine: Engine, processId: number) => (await engine.getProcess(processId)).status;
  async function pack(engine: Engine, childId: number) {
    const [task] = (await engine.getTasks(childId)).filter((t) => t.node === 'pack');
    await engine.runHandle(task!.id);
  }

  it('runs a child that reads its parent; the parent task completes when the child finishes', async () => {
    const engine = await h.engine();
    const order = await engine.start(OrderFlow, 'start', { data: { customer: 'ada' } });
    const { task, ids } = await children(engine, order.id);
    expect([task.taskType, task.status]).toEqual(['SUBPROCESS', 'STARTED']);
    expect(ids).toHaveLength(1);
    const child = await engine.getProcess<L>(ids[0]!);
    expect(child.parentTaskId).toBe(task.id);
    expect(child.data).toMatchObject({ customer: 'ada', greeting: 'for ada' });

    await pack(engine, child.id);
    expect((await engine.getProcess<L>(child.id)).data.parentFlow).toBe('order');
    expect((await engine.getTask(task.id)).status).toBe('DONE');
    expect(await statusOf(engine, order.id)).toBe('DONE');
  });

  it('NSubprocess: one child per item, done when all finish; with no items, done at once', async () => {
    const engine = await h.engine();
    const order = await engine.start(BulkOrderFlow, 'start', { data: { customer: 'bo', items: ['a', 'b', 'c'] } });
    const { task, ids } = await children(engine, order.id);
    const items = await Promise.all(ids.map(async (id) => (await engine.getProcess<L>(id)).data.item));
    expect(items).toEqual(['a', 'b', 'c']);
    await pack(engine, ids[0]!);
    await pack(engine, ids[2]!);
    expect((await engine.getTask(task.id)).status).toBe('STARTED');
    await pack(engine, ids[1]!);
    expect((await engine.getTask(task.id)).status).toBe('DONE');
    expect(await statusOf(engine, order.id)).toBe('DONE');

    const empty = await engine.start(BulkOrderFlow, 'start', { data: { items: [] } });
    expect(await statusOf(engine, empty.id)).toBe('DONE');
  });

  it('canceling the parent cancels its running children and leaves finished ones alone', async () => {
    const engine = await h.engine();
    const order = await engine.start(BulkOrderFlow, 'start', { data: { items: ['a', 'b'] } });
    const { task, ids } = await children(engine, order.id);
    await pack(engine, ids[0]!);
    await engine.cancelProcess(order.id);
    expect((await engine.getTask(task.id)).status).toBe('CANCELED');
    expect(await statusOf(engine, ids[0]!)).toBe('DONE');
    expect(await statusOf(engine, ids[1]!)).toBe('CANCELED');
    expect((await engine.getTasks(ids[1]!)).map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['pack', 'CANCELED'],
    ]);
  });

  it('refuses to cancel the parent when a child task cannot be canceled, changing nothing', async () => {
    const engine = await h.engine();
    const parent = await engine.start(ReviewedOrderFlow, 'start');
    const { task, ids } = await children(engine, parent.id);
    const [review] = (await engine.getTasks(ids[0]!)).filter((t) => t.node === 'review');
    await engine.assign(review!.id, { user: reviewer });
    await engine.startTask(review!.id, { user: reviewer });
    const refused = engine.cancelProcess(parent.id);
    await expect(refused).rejects.toThrow(TransitionError);
    await expect(refused).rejects.toThrow(`its subprocess ${ids[0]} has task ${review!.id} (review) STARTED`);
    expect(await statusOf(engine, parent.id)).toBe('NEW');
    expect((await engine.getTask(task.id)).status).toBe('STARTED');
    expect(await statusOf(engine, ids[0]!)).toBe('NEW');
  });

  it('a child canceled on its own leaves the parent task in ERROR; revive starts a new child', async () => {
    const engine = await h.engine();
    const order = await engine.start(OrderFlow, 'start', { data: { customer: 'cy' } });
    const first = await children(engine, order.id);
    await engine.cancelProcess(first.ids[0]!);
    const failed = await engine.getTask(first.task.id);
    expect(failed.status).toBe('ERROR');
    expect((failed.data.error as { message: string }).message).toBe(`subprocess ${first.ids[0]} was canceled`);

    await engine.revive(first.task.id, { user: SYSTEM_USER });
    const [, revived] = (await engine.getTasks(order.id)).filter((t) => t.node === 'ship');
    const rows = await engine.database.db.selectFrom('flowlane_process').select('id').where('parent_task_id', '=', revived!.id).execute();
    await pack(engine, Number(rows[0]!.id));
    expect(await statusOf(engine, order.id)).toBe('DONE');
  });

  it('fails clearly when the child flow is not registered', async () => {
    const engine = await h.engine({ flows: [OrderFlow] });
    await expect(engine.start(OrderFlow, 'start')).rejects.toThrow('flow ShipFlow is not registered with this engine');
  });

  it("a worker's sweep completes a parent whose completion was lost", async () => {
    const engine = await h.engine();
    const order = await engine.start(OrderFlow, 'start');
    const { task, ids } = await children(engine, order.id);
    // As if the process crashed after the child's step committed, before the parent's.
    await sql`update flowlane_process set status = 'DONE' where id = ${ids[0]}`.execute(engine.database.db);
    await h.worker(engine);
    await waitFor('the parent task to complete', async () => (await engine.getTask(task.id)).status === 'DONE');
    expect(await statusOf(engine, order.id)).toBe('DONE');
  });
});
