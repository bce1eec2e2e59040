/**
 * SQLite's state cache (engine/state-cache.ts): a step on a process this
 * engine's last step left skips its loads, and anything else that wrote
 * the process or its tasks in between (another connection, a statement of
 * this engine outside a step, a step that rolled back) makes the next step
 * read the database again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, DataValidationError, TransitionError, type Engine } from '../../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { StateCache } from '../../src/engine/state-cache.ts';
import { processToRow, taskToRow } from '../../src/store/repository.ts';

const Data = z.object({ note: z.string().max(10).default('') });

class Approval extends Flow<z.infer<typeof Data>> {
  static label = 'approval';
  static data = Data;
  start = flow.StartHandle().Next(self.approve);
  approve = flow.View().Next(self.check);
  check = flow.View().Next(self.end);
  end = flow.End();
}

/** Two human tasks at once, so two steps of one process can be asked for together. */
class Pair extends Flow {
  static label = 'pair';
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Next(self.a).Next(self.b);
  a = flow.View().Next(self.join);
  b = flow.View().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

const boss = user('boss', { superuser: true });
const clerk = user('clerk', { superuser: true });

describe('SQLite state cache', () => {
  let database: TestDatabase;
  const engines: Engine[] = [];
  const open = async () => {
    const engine = await engineOn(database.url, [Approval, Pair]);
    engines.push(engine);
    return engine;
  };
  const selects = async (engine: Engine, fn: () => Promise<unknown>) => (await engine.database.statements.measure(fn)).select;
  const taskOf = async (engine: Engine, processId: number, node: string) =>
    (await engine.getTasks(processId)).find((t) => t.node === node && t.status !== 'DONE')!;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    await database.drop();
  });

  it("a step after this engine's own step loads nothing and acts on the same state", async () => {
    const engine = await open();
    const process = await engine.start(Approval, 'start');
    const approve = await taskOf(engine, process.id, 'approve');
    expect(await selects(engine, () => engine.assign(approve.id, { user: boss }))).toBe(0);
    expect(await selects(engine, () => engine.execute(approve.id, { user: boss, data: { note: 'ok' } }))).toBe(0);
    const check = await taskOf(engine, process.id, 'check');
    await engine.assign(check.id, { user: boss });
    await engine.execute(check.id, { user: boss });
    expect(await engine.getProcess(process.id)).toMatchObject({ status: 'DONE', data: { note: 'ok' } });
  });

  it('another connection committing in between makes the next step read the database', async () => {
    const a = await open();
    const b = await open();
    const process = await a.start(Approval, 'start');
    const approve = await taskOf(a, process.id, 'approve');
    await b.assign(approve.id, { user: clerk });
    let refused: unknown;
    const read = await selects(a, async () => {
      refused = await a.assign(approve.id, { user: boss }).catch((error: unknown) => error);
    });
    // What B committed is seen: the task is clerk's, not "changed by someone" at write time.
    expect(refused).toBeInstanceOf(TransitionError);
    expect(read).toBe(2);
    expect((await a.getTask(approve.id)).ownerId).toBe(clerk.id);
    // B finishes the task; A's next step sees the process moved on.
    await b.execute(approve.id, { user: clerk, data: { note: 'by b' } });
    await expect(a.execute(approve.id, { user: clerk })).rejects.toBeInstanceOf(TransitionError);
    const check = await taskOf(a, process.id, 'check');
    await a.assign(check.id, { user: boss });
    await a.execute(check.id, { user: boss });
    expect(await a.getProcess(process.id)).toMatchObject({ status: 'DONE', data: { note: 'by b' } });
  });

  it("a write of the engine's own connection outside a step makes the next step read the database", async () => {
    const engine = await open();
    const process = await engine.start(Approval, 'start');
    const approve = await taskOf(engine, process.id, 'approve');
    // An administrator's fix through the engine's own connection.
    await engine.database.db.updateTable('flowlane_task').set({ status: 'CANCELED' }).where('id', '=', approve.id).execute();
    let refused: unknown;
    const read = await selects(engine, async () => {
      refused = await engine.assign(approve.id, { user: boss }).catch((error: unknown) => error);
    });
    expect(refused).toBeInstanceOf(TransitionError);
    expect(read).toBe(2);
  });

  it('a step that rolled back leaves the next step acting on what was committed', async () => {
    const engine = await open();
    const process = await engine.start(Approval, 'start');
    const approve = await taskOf(engine, process.id, 'approve');
    await engine.assign(approve.id, { user: boss });
    // Too long for the schema: refused at the write, after the step changed its state in memory.
    await expect(engine.execute(approve.id, { user: boss, data: { note: 'far too long for it' } })).rejects.toBeInstanceOf(DataValidationError);
    expect(await engine.getTask(approve.id)).toMatchObject({ status: 'ASSIGNED', ownerId: boss.id });
    await engine.execute(approve.id, { user: boss, data: { note: 'short' } });
    expect(await engine.getProcess(process.id)).toMatchObject({ status: 'NEW', data: { note: 'short' } });
    expect((await engine.getTasks(process.id)).map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['approve', 'DONE'],
      ['check', 'NEW'],
    ]);
  });

  it('steps of one process asked for at once each act on the state the one before left', async () => {
    const engine = await open();
    for (let round = 0; round < 10; round++) {
      const process = await engine.start(Pair, 'start');
      const [a, b] = [await taskOf(engine, process.id, 'a'), await taskOf(engine, process.id, 'b')];
      await Promise.all([engine.assign(a.id, { user: boss }), engine.assign(b.id, { user: clerk })]);
      await Promise.all([engine.execute(a.id, { user: boss }), engine.execute(b.id, { user: clerk })]);
      expect((await engine.getProcess(process.id)).status).toBe('DONE');
    }
  });

  it('keeps the newest version of a process, and forgets one a step is writing', async () => {
    const engine = await open();
    const process = await engine.start(Pair, 'start');
    const cache = new StateCache(engine.database.statements, engine.repo);
    await cache.validate(engine.database.db);
    const state = await engine.getProcess(process.id);
    const tasks = (await engine.getTasks(process.id)).filter((t) => t.status === 'NEW');
    const flushed = (version: number) => ({
      processes: new Map([[process.id, processToRow({ ...state, version, data: { seen: version } })]]),
      tasks: new Map(tasks.map((task) => [task.id, taskToRow(task, 'pair')])),
    });
    cache.remember(flushed(3));
    cache.remember(flushed(2)); // a step that committed earlier, remembered late
    expect(cache.get({ processId: process.id }, [])?.process).toMatchObject({ version: 3, data: '{"seen":3}' });
    expect(cache.get({ taskId: tasks[0]!.id }, [tasks[1]!.id])?.tasks.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    cache.forget([process.id]);
    expect(cache.get({ processId: process.id }, [])).toBeUndefined();
    expect(cache.get({ taskId: tasks[0]!.id }, [])).toBeUndefined();
  });
});
