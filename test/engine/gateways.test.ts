import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, act, FlowRuntimeError, TransitionError, type Activation, type Engine, type TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';

const boss = user('boss', { superuser: true });

/** Split into a, b, c (c only when wanted) → join → end. */
class SimpleSplit extends Flow<{ withC: boolean }> {
  static data = z.object({ withC: z.boolean().default(true) });
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Next(self.a).Next(self.b).Next(self.c, { case: act.process.data.withC });
  a = flow.Handle().Next(self.join);
  b = flow.Handle().Next(self.join);
  c = flow.Handle().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

/** Two levels: outer split → (inner split → x, y → inner join) and z → outer join. */
class NestedSplit extends Flow {
  start = flow.StartHandle().Next(self.outer);
  outer = flow.Split().Always(self.inner).Always(self.z);
  inner = flow.Split().Always(self.x).Always(self.y);
  x = flow.Handle().Next(self.innerJoin);
  y = flow.Handle().Next(self.innerJoin);
  innerJoin = flow.Join().Next(self.outerJoin);
  z = flow.Handle().Next(self.outerJoin);
  outerJoin = flow.Join().Next(self.end);
  end = flow.End();
}

/** Two different splits feeding one join: a flow error at run time. */
class CrossedSplits extends Flow {
  start = flow.StartHandle().Next(self.first);
  first = flow.Split().Always(self.a).Always(self.second);
  second = flow.Split().Always(self.b).Always(self.c);
  a = flow.Handle().Next(self.join);
  b = flow.Handle().Next(self.join);
  c = flow.Handle().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

/** A join that goes on once two of three are done. */
class EarlyJoin extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.a).Always(self.b).Always(self.human);
  a = flow.Handle().Next(self.join);
  b = flow.Handle().Next(self.join);
  human = flow.View().Next(self.join);
  join = flow.Join(self.enough).Next(self.end);
  end = flow.End();
  enough(activation: Activation) {
    return activation.step.activeTasks(activation.process.id).filter((t) => t.node !== 'join').length <= 1;
  }
}

class Race extends Flow {
  start = flow.StartHandle().Next(self.race);
  race = flow.SplitFirst().Always(self.fast).Always(self.slow).Always(self.person);
  fast = flow.Handle().Next(self.after);
  slow = flow.Handle().Next(self.after);
  person = flow.View().Next(self.after);
  after = flow.Handle().Next(self.end);
  end = flow.End();
}

const Items = z.object({ items: z.array(z.string()).default([]), reviewed: z.array(z.string()).default([]) });
class PerItem extends Flow<z.infer<typeof Items>> {
  static data = Items;
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Next(self.review, { dataSource: act.process.data.items });
  review = flow.Handle(self.record).Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
  record(activation: Activation<z.infer<typeof Items>>) {
    activation.process.data.reviewed.push(String(activation.task.data.item));
  }
}

class Router extends Flow<{ size: number }> {
  static data = z.object({ size: z.number() });
  start = flow.StartHandle().Next(self.route);
  route = flow
    .Switch()
    .Case(self.small, (a: Activation<{ size: number }>) => a.process.data.size < 10)
    .Case(self.large, (a: Activation<{ size: number }>) => a.process.data.size > 100);
  small = flow.End();
  large = flow.End();
}

class RouterWithDefault extends Flow<{ size: number }> {
  static data = z.object({ size: z.number() });
  start = flow.StartHandle().Next(self.route);
  route = flow
    .Switch()
    .Case(self.small, (a: Activation<{ size: number }>) => a.process.data.size < 10)
    .Default(self.other);
  small = flow.End();
  other = flow.End();
}

const FLOWS = [SimpleSplit, NestedSplit, CrossedSplits, EarlyJoin, Race, PerItem, Router, RouterWithDefault];
const trace = (tasks: TaskInfo[]) => tasks.map((t) => `${t.node} ${t.status} ${t.token}`);

await describeEachDatabase('gateways and tokens', (db) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await engineOn(db.url, FLOWS);
  });
  afterEach(async () => {
    await engine.close();
  });

  const run = async (tasks: TaskInfo[], node: string) => engine.runHandle(tasks.find((t) => t.node === node && t.status === 'NEW')!.id);

  it('gives split branches T/<split id>_n tokens and joins them back', async () => {
    const process = await engine.start(SimpleSplit, 'start');
    let tasks = await engine.getTasks(process.id);
    const split = tasks.find((t) => t.node === 'split')!;
    for (const node of ['a', 'b', 'c']) await run(tasks, node);
    tasks = await engine.getTasks(process.id);
    expect(trace(tasks)).toEqual([
      'start DONE start',
      'split DONE start',
      `a DONE start/${split.id}_1`,
      `b DONE start/${split.id}_2`,
      `c DONE start/${split.id}_3`,
      'join DONE start',
      'end DONE start',
    ]);
    const ids = (node: string) => tasks.find((t) => t.node === node)!.id;
    expect(tasks.find((t) => t.node === 'join')!.previous).toEqual([ids('a'), ids('b'), ids('c')]);
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('completes a join whose branches with a false case were never created', async () => {
    const process = await engine.start(SimpleSplit, 'start', { data: { withC: false } });
    let tasks = await engine.getTasks(process.id);
    expect(tasks.filter((t) => t.node === 'c')).toEqual([]);
    await run(tasks, 'a');
    tasks = await engine.getTasks(process.id);
    expect(tasks.find((t) => t.node === 'join')!.status).toBe('STARTED');
    await run(tasks, 'b');
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('carries tokens through two levels of nested split and join', async () => {
    const process = await engine.start(NestedSplit, 'start');
    let tasks = await engine.getTasks(process.id);
    const outer = tasks.find((t) => t.node === 'outer')!.id;
    const inner = tasks.find((t) => t.node === 'inner')!.id;
    await run(tasks, 'x');
    await run(tasks, 'z');
    tasks = await engine.getTasks(process.id);
    expect(tasks.find((t) => t.node === 'outerJoin')!.status).toBe('STARTED');
    expect(tasks.find((t) => t.node === 'innerJoin')!.status).toBe('STARTED');
    await run(tasks, 'y');
    tasks = await engine.getTasks(process.id);
    const token = (node: string) => tasks.find((t) => t.node === node)!.token;
    expect(token('inner')).toBe(`start/${outer}_1`);
    expect(token('z')).toBe(`start/${outer}_2`);
    expect(token('x')).toBe(`start/${outer}_1/${inner}_1`);
    expect(token('y')).toBe(`start/${outer}_1/${inner}_2`);
    expect(token('innerJoin')).toBe(`start/${outer}_1`);
    expect(token('outerJoin')).toBe('start');
    expect(tasks.filter((t) => t.node === 'outerJoin').length).toBe(1);
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('reports a join fed by two different splits as a flow error, writing nothing', async () => {
    const process = await engine.start(CrossedSplits, 'start');
    const tasks = await engine.getTasks(process.id);
    await run(tasks, 'a');
    const failure = await run(tasks, 'b').catch((e) => e);
    expect(failure).toBeInstanceOf(FlowRuntimeError);
    expect(failure.message).toMatch(/flow crossed-splits, node "join": received branches of two different splits/);
    expect((await engine.getTasks(process.id)).find((t) => t.node === 'b')!.status).toBe('NEW');
  });

  it('lets a join go early, canceling what is still active', async () => {
    const process = await engine.start(EarlyJoin, 'start');
    const tasks = await engine.getTasks(process.id);
    await run(tasks, 'a');
    await run(tasks, 'b');
    const after = await engine.getTasks(process.id);
    expect(after.find((t) => t.node === 'human')!.status).toBe('CANCELED');
    expect(after.find((t) => t.node === 'join')!.status).toBe('DONE');
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('refuses an early join when a task it must cancel is running, canceling nothing', async () => {
    const process = await engine.start(EarlyJoin, 'start');
    const tasks = await engine.getTasks(process.id);
    const human = tasks.find((t) => t.node === 'human')!;
    await engine.assign(human.id, { user: boss });
    await engine.startTask(human.id, { user: boss });
    await run(tasks, 'a');
    const failure = await run(tasks, 'b').catch((e) => e);
    expect(failure).toBeInstanceOf(TransitionError);
    expect(failure.message).toContain(`task ${human.id} (human) is STARTED and cannot be canceled; nothing was changed`);
    const after = await engine.getTasks(process.id);
    expect(after.find((t) => t.node === 'b')!.status).toBe('NEW');
    expect(after.find((t) => t.node === 'human')!.status).toBe('STARTED');
  });

  it('SplitFirst: the first branch to finish cancels the others and continues', async () => {
    const process = await engine.start(Race, 'start');
    const tasks = await engine.getTasks(process.id);
    const race = tasks.find((t) => t.node === 'race')!;
    expect(race.status).toBe('STARTED');
    await run(tasks, 'slow');
    const after = await engine.getTasks(process.id);
    const status = (node: string) => after.filter((t) => t.node === node).map((t) => t.status);
    expect(status('race')).toEqual(['DONE']);
    expect(status('slow')).toEqual(['DONE']);
    expect(status('fast')).toEqual(['CANCELED']);
    expect(status('person')).toEqual(['CANCELED']);
    expect(after.filter((t) => t.node === 'after').map((t) => [t.status, t.token])).toEqual([['NEW', 'start']]);
  });

  it('SplitFirst refuses to finish while a sibling is being worked on', async () => {
    const process = await engine.start(Race, 'start');
    const tasks = await engine.getTasks(process.id);
    const person = tasks.find((t) => t.node === 'person')!;
    await engine.assign(person.id, { user: boss });
    await engine.startTask(person.id, { user: boss });
    await expect(run(tasks, 'fast')).rejects.toThrow(`task ${person.id} (person) is STARTED and cannot be canceled`);
    expect((await engine.getTasks(process.id)).find((t) => t.node === 'fast')!.status).toBe('NEW');
  });

  it('dataSource makes one task per item with the item in its data', async () => {
    const process = await engine.start(PerItem, 'start', { data: { items: ['a', 'b', 'c'] } });
    let tasks = await engine.getTasks(process.id);
    const reviews = tasks.filter((t) => t.node === 'review');
    expect(reviews.map((t) => t.data.item)).toEqual(['a', 'b', 'c']);
    for (const review of reviews) await engine.runHandle(review.id);
    tasks = await engine.getTasks(process.id);
    const finished = await engine.getProcess<z.infer<typeof Items>>(process.id);
    expect(finished.status).toBe('DONE');
    expect(finished.data.reviewed).toEqual(['a', 'b', 'c']);
    expect(tasks.filter((t) => t.node === 'join').length).toBe(1);
  });

  it('dataSource with one item joins after it', async () => {
    const process = await engine.start(PerItem, 'start', { data: { items: ['only'] } });
    const tasks = await engine.getTasks(process.id);
    await run(tasks, 'review');
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('dataSource with no items is a flow error and nothing is created', async () => {
    const count = () =>
      engine.database.db.selectFrom('flowlane_process').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const before = Number((await count()).n);
    await expect(engine.start(PerItem, 'start', { data: { items: [] } })).rejects.toThrow(
      'flow per-item, node "split": no branch was taken (every case was false or every data source empty)',
    );
    expect(Number((await count()).n)).toBe(before);
  });

  it('Switch takes the first matching case, else the default, else fails', async () => {
    const small = await engine.start(Router, 'start', { data: { size: 3 } });
    expect((await engine.getTasks(small.id)).map((t) => t.node)).toEqual(['start', 'route', 'small']);
    const large = await engine.start(Router, 'start', { data: { size: 300 } });
    expect((await engine.getTasks(large.id)).map((t) => t.node)).toEqual(['start', 'route', 'large']);
    await expect(engine.start(Router, 'start', { data: { size: 50 } })).rejects.toThrow(
      'flow router, node "route": no case matched and there is no Default',
    );
    const other = await engine.start(RouterWithDefault, 'start', { data: { size: 50 } });
    expect((await engine.getTasks(other.id)).map((t) => t.node)).toEqual(['start', 'route', 'other']);
  });
});
