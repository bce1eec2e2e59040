/**
 * Inputs that once broke the engine, kept so they stay fixed.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, act, InvalidArgumentError, DataValidationError, type Activation, type Engine } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';

const admin = user('root', { superuser: true });
let sideEffects: string[] = [];

/** Branches that finish at once, in the step that split them. */
class InstantBranches extends Flow<{ items: number[] }> {
  static data = z.object({ items: z.array(z.number()).default([]) });
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.a).Always(self.b).Next(self.each, { dataSource: act.process.data.items });
  a = flow.Function(() => undefined).Next(self.join);
  b = flow.Function(() => undefined).Next(self.join);
  each = flow.Function(() => undefined).Next(self.join);
  join = flow.Join().Next(self.notify);
  notify = flow.Function(() => void sideEffects.push('notify')).Next(self.end);
  end = flow.End();
}

class InstantRace extends Flow {
  start = flow.StartHandle().Next(self.race);
  race = flow.SplitFirst().Always(self.quick).Always(self.person).Always(self.other);
  quick = flow.Function(() => undefined).Next(self.after);
  person = flow.View().Next(self.after);
  other = flow.Function(() => undefined).Next(self.after);
  after = flow.Handle().Next(self.end);
  end = flow.End();
}

class SlowRace extends Flow {
  start = flow.StartHandle().Next(self.race);
  race = flow.SplitFirst().Always(self.left).Always(self.right);
  left = flow.Handle().Next(self.end);
  right = flow.Handle().Next(self.end);
  end = flow.End();
}

/** One branch ends at once, the other waits for a person. */
class EndThenWait extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.end).Always(self.person);
  person = flow.View().Next(self.end);
  end = flow.End();
}

const Checked = z.object({ approved: z.boolean().default(false), n: z.number().max(10).default(0) });
type CheckedData = z.infer<typeof Checked>;
class Guarded extends Flow<CheckedData> {
  static data = Checked;
  start = flow.StartHandle().Next(self.approve);
  approve = flow.View().Next(self.check);
  check = flow.If(act.process.data.approved).Then(self.send).Else(self.end);
  send = flow.Function(() => void sideEffects.push('send')).Next(self.end);
  end = flow.End();
}

class Meddling extends Flow<CheckedData> {
  static data = Checked;
  start = flow.StartHandle().Next(self.work);
  work = flow.Handle(self.meddle).Next(self.overflow);
  overflow = flow.Function(self.tooMuch).Next(self.end);
  end = flow.End();
  meddle(activation: Activation<CheckedData>, field?: 'id' | 'status') {
    if (field === 'id') (activation.task as { id: number }).id = 1;
    if (field === 'status') (activation.process as { status: string }).status = 'DONE';
  }
  tooMuch(activation: Activation<CheckedData>) {
    activation.process.data.n = 11;
  }
}

await describeEachDatabase('regressions', (db) => {
  let engine: Engine;
  beforeEach(async () => {
    sideEffects = [];
    engine = await engineOn(db.url, [InstantBranches, InstantRace, SlowRace, EndThenWait, Guarded, Meddling]);
  });
  afterEach(async () => {
    await engine.close();
  });

  const nodes = async (processId: number, node: string) => (await engine.getTasks(processId)).filter((t) => t.node === node);

  it('branches that finish in the splitting step meet in one join', async () => {
    const process = await engine.start(InstantBranches, 'start', { data: { items: [1, 2, 3, 4, 5] } });
    const [join, ...extra] = await nodes(process.id, 'join');
    expect(extra).toEqual([]);
    expect(join!.previous).toHaveLength(7);
    expect(await nodes(process.id, 'end')).toHaveLength(1);
    expect(sideEffects).toEqual(['notify']);
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('a SplitFirst whose first branch finishes at once never creates the others', async () => {
    const process = await engine.start(InstantRace, 'start');
    const tasks = await engine.getTasks(process.id);
    expect(tasks.filter((t) => t.node === 'after').map((t) => t.token)).toEqual(['start']);
    expect(tasks.filter((t) => t.node === 'person' || t.node === 'other')).toEqual([]);
    expect(tasks.find((t) => t.node === 'race')!.status).toBe('DONE');
  });

  it('canceling a running SplitFirst cancels its branches', async () => {
    const process = await engine.start(SlowRace, 'start');
    const race = (await nodes(process.id, 'race'))[0]!;
    await engine.cancelTask(race.id, { user: admin });
    const tasks = await engine.getTasks(process.id);
    expect(tasks.filter((t) => t.node === 'left' || t.node === 'right').map((t) => t.status)).toEqual(['CANCELED', 'CANCELED']);
  });

  it('canceling the last active task after an End finishes the process', async () => {
    const process = await engine.start(EndThenWait, 'start');
    expect((await engine.getProcess(process.id)).status).toBe('NEW');
    const person = (await nodes(process.id, 'person'))[0]!;
    await engine.cancelTask(person.id, { user: admin });
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('data given to execute is validated before the flow acts on it', async () => {
    const process = await engine.start(Guarded, 'start');
    const task = (await nodes(process.id, 'approve'))[0]!;
    await engine.assign(task.id, { user: admin });
    await expect(engine.execute(task.id, { user: admin, data: { approved: true, n: 99 } })).rejects.toThrow(DataValidationError);
    await expect(engine.execute(task.id, { user: admin, data: { approved: 'yes' } })).rejects.toThrow(DataValidationError);
    await expect(engine.execute(task.id, { user: admin, data: { aproved: true } })).rejects.toThrow('aproved: unknown field');
    expect(sideEffects).toEqual([]);
    // A "__proto__" key from parsed JSON is plain data, never the object's prototype.
    await engine.execute(task.id, { user: admin, data: JSON.parse('{"__proto__": {"approved": true}}') }).catch(() => undefined);
    expect(sideEffects).toEqual([]);
  });

  it('flow code cannot change ids or statuses through its activation', async () => {
    for (const field of ['id', 'status'] as const) {
      const process = await engine.start(Meddling, 'start');
      const work = (await nodes(process.id, 'work'))[0]!;
      await expect(engine.runHandle(work.id, { args: [field] })).rejects.toThrow(InvalidArgumentError);
      expect((await engine.getTask(work.id)).status).toBe('NEW');
      expect((await engine.getProcess(process.id)).status).toBe('NEW');
    }
  });

  it('in a background step, bad data written by a node fails that node only', async () => {
    const process = await engine.start(Meddling, 'start');
    const work = (await nodes(process.id, 'work'))[0]!;
    await engine.withTask(work.id, { mode: 'background' }, (ctx) => ctx.perform('run'));
    expect((await engine.getTask(work.id)).status).toBe('DONE');
    const [overflow] = await nodes(process.id, 'overflow');
    expect(overflow!.status).toBe('ERROR');
    expect(overflow!.data.error).toMatchObject({ message: expect.stringContaining('n: Too big') });
  });

  it('refuses arguments of the wrong type with the argument named', async () => {
    const process = await engine.start(Guarded, 'start');
    const task = (await nodes(process.id, 'approve'))[0]!;
    await expect(engine.assign(task.id, { user: admin, to: Number.NaN })).rejects.toThrow('to (the new owner\'s user id) must be a non-negative integer, got NaN');
    await expect(engine.runHandle('3' as never)).rejects.toThrow('taskId must be a non-negative integer, got "3" (a string)');
    const sloppy = { ...admin, permissions: [] as never };
    await expect(engine.assign(task.id, { user: sloppy })).rejects.toThrow('user.permissions and user.groups must be Sets');
    expect((await engine.getTask(task.id)).status).toBe('NEW');
  });
});
