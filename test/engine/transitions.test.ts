/**
 * The management transitions per node kind (SEMANTICS.md's table): for each
 * kind, which of cancel/undo/revive/run are allowed from the task's status,
 * asked through `available` (what the UI shows) and enforced on perform.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flow, flow, self, TransitionError, type Engine, type TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';

const admin = user('root', { superuser: true });

/** One of each kind, left in a known state: handle waits, race (SplitFirst) runs. */
class Kinds extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.fn).Always(self.race).Always(self.handle);
  fn = flow.Function(() => undefined).Next(self.gate);
  gate = flow.If(() => true).Then(self.join).Else(self.join);
  race = flow.SplitFirst().Always(self.left).Always(self.right);
  left = flow.Handle().Next(self.join);
  right = flow.Handle().Next(self.join);
  handle = flow.Handle().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

await describeEachDatabase('transitions per node kind', (db) => {
  let engine: Engine;
  let tasks: TaskInfo[];
  const task = (node: string) => tasks.find((t) => t.node === node)!;
  beforeAll(async () => {
    engine = await engineOn(db.url, [Kinds]);
    const process = await engine.start(Kinds, 'start');
    tasks = await engine.getTasks(process.id);
  });
  afterAll(async () => {
    await engine.close();
  });

  it.each([
    ['start', 'DONE', []],
    ['split', 'DONE', []],
    ['fn', 'DONE', []],
    ['gate', 'DONE', []],
    ['race', 'STARTED', ['cancel']],
    ['left', 'NEW', ['run', 'cancel']],
    ['handle', 'NEW', ['run', 'cancel']],
    ['join', 'STARTED', ['cancel']],
  ])('%s is %s and offers %j', async (node, status, actions) => {
    expect(task(node).status).toBe(status);
    expect(await engine.available(task(node).id, admin)).toEqual(actions);
  });

  it('refuses to undo a finished task while what it led to is active', async () => {
    await expect(engine.undo(task('split').id, { user: admin })).rejects.toThrow(/cancel those first/);
    await expect(engine.undo(task('gate').id, { user: admin })).rejects.toThrow(/\(join, STARTED\)/);
  });

  it('runs a handle once; a second run is refused', async () => {
    await engine.runHandle(task('left').id);
    await expect(engine.runHandle(task('left').id)).rejects.toThrow(TransitionError);
    tasks = await engine.getTasks(tasks[0]!.processId);
    expect(task('race').status).toBe('DONE');
    expect(task('right').status).toBe('CANCELED');
    expect(await engine.available(task('race').id, admin)).toEqual([]);
    expect(await engine.available(task('right').id, admin)).toEqual(['revive']);
  });

  it('cancels a waiting handle; a canceled task offers revive only', async () => {
    await engine.cancelTask(task('handle').id, { user: admin });
    await expect(engine.cancelTask(task('handle').id, { user: admin })).rejects.toThrow('is CANCELED and cannot be canceled');
    tasks = await engine.getTasks(tasks[0]!.processId);
    expect(await engine.available(task('handle').id, admin)).toEqual(['revive']);
  });

  it('cancels the join and then undoes back through a gateway and a function', async () => {
    await engine.cancelTask(task('join').id, { user: admin });
    await engine.undo(task('gate').id, { user: admin });
    await engine.undo(task('fn').id, { user: admin });
    tasks = await engine.getTasks(tasks[0]!.processId);
    expect([task('gate').status, task('fn').status]).toEqual(['CANCELED', 'CANCELED']);
    await expect(engine.undo(task('race').id, { user: admin })).rejects.toThrow('a splitFirst task cannot be undone');
  });
});
