/**
 * SQLite's state cache (engine/state-cache.ts): a step on a process the
 * last step left skips its loads; and, under attack, whatever else
 * writes the database between or inside steps (another connection or OS
 * process, the engine's own connection outside a step, the worker's claims
 * and leases, custom SQL in a step's transaction, rollbacks), the step
 * that follows must act as it would with the cache off, reading the
 * database. A differential run drives the same random operations against
 * an engine with the cache and one without, and requires identical
 * outcomes and rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import BetterSqlite3 from 'better-sqlite3';
import {
  ConcurrentUpdateError,
  DataValidationError,
  Flow,
  flow,
  NotFoundError,
  openDatabase,
  self,
  TransitionError,
  createEngine,
  type Activation,
  type Engine,
  type FlowUser,
} from '../../src/index.ts';
import { startWorker, type JobActivation } from '../../src/jobs/index.ts';
import { sqliteFileOf } from '../../src/store/connect.ts';
import { workflowViewset } from '../../src/web/viewset/index.ts';
import { flashMessages } from '../../src/web/flash.ts';
import { StateCache } from '../../src/engine/state-cache.ts';
import { processToRow, taskToRow } from '../../src/store/repository.ts';
import type { TaskEnv } from '../../src/web/env.ts';
import type { AuthEnv } from '../../src/web/auth/env.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';

const Data = z.object({ note: z.string().max(10).default(''), by: z.string().default('') });
type D = z.infer<typeof Data>;

class Approval extends Flow<D> {
  static label = 'approval';
  static data = Data;
  start = flow.StartHandle().Next(self.approve);
  approve = flow.View().Next(self.check);
  check = flow.View().Next(self.end);
  end = flow.End();
}

/** Two human tasks at once. */
class Pair extends Flow<D> {
  static label = 'pair';
  static data = Data;
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Next(self.a).Next(self.b);
  a = flow.View().Next(self.join);
  b = flow.View().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

/** Code (a Function after a Handle) that writes the data, then fails while `failing` is set. */
let failing = true;
class Fix extends Flow<D> {
  static label = 'fix';
  static data = Data;
  start = flow.StartHandle().Next(self.go);
  go = flow.Handle().Next(self.fix);
  fix = flow.Function(self.work).Next(self.end);
  end = flow.End();
  work(activation: Activation<D>) {
    activation.process.data.note = 'touched';
    if (failing) throw new Error('the fix failed');
  }
}

/** The child of Parent: one human task. */
class Review extends Flow {
  static label = 'review';
  start = flow.StartHandle().Next(self.review);
  review = flow.View().Next(self.end);
  end = flow.End();
}

class Parent extends Flow {
  static label = 'parent';
  start = flow.StartHandle().Next(self.sub);
  sub = flow.Subprocess(Review, 'start').Next(self.end);
  end = flow.End();
}

/** Ids of the Line processes begun, whether or not their start committed. */
const lineIds: number[] = [];

/** A child whose start fails for the item "bad". */
class Line extends Flow {
  static label = 'line';
  start = flow.StartHandle(self.begin).Next(self.work);
  work = flow.View().Next(self.end);
  end = flow.End();
  begin(activation: Activation, _parent: Activation, item: string) {
    lineIds.push(activation.process.id);
    if (item === 'bad') throw new Error('cannot start this line');
  }
}

/** Waits for code, then starts one Line per item in the same step. */
class Bulk extends Flow {
  static label = 'bulk';
  start = flow.StartHandle().Next(self.go);
  go = flow.Handle().Next(self.lines);
  lines = flow.NSubprocess(Line, 'start', () => ['ok', 'bad']).Next(self.end);
  end = flow.End();
}

/** The job's handler is held until the test lets it go. */
let jobRunning: () => void = () => undefined;
let letJobFinish: () => void = () => undefined;
let jobGate = Promise.resolve();
class Ship extends Flow<D> {
  static label = 'ship';
  static data = Data;
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Next(self.pack).Next(self.check);
  pack = flow.Job(self.packIt).Next(self.join);
  check = flow.View().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
  async packIt(activation: JobActivation<D>) {
    jobRunning();
    await jobGate;
    activation.process.data.by = 'job';
  }
}

class Remind extends Flow {
  static label = 'remind';
  start = flow.StartHandle().Next(self.approve);
  approve = flow.View().OnTimeout('1h', self.escalate).Next(self.end);
  escalate = flow.View().Next(self.end);
  end = flow.End();
}

const FLOWS = [Approval, Pair, Fix, Review, Parent, Line, Bulk, Ship, Remind];
const boss = user('boss', { superuser: true });
const clerk = user('clerk', { superuser: true });
const ann = user('ann', { permissions: ['approval.can_approve'] });
const QUIET = { info: () => {}, warn: () => {}, error: () => {} };

function clock(start = Date.UTC(2030, 0, 1)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function waitFor<T>(what: string, check: () => Promise<T>, timeout = 3_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An engine that reads the database on every step, as on PostgreSQL. */
function withoutCache(engine: Engine): Engine {
  (engine as unknown as { deps: { cache?: unknown } }).deps.cache = undefined;
  return engine;
}

describe('SQLite state cache', () => {
  let database: TestDatabase;
  const closers: Array<() => Promise<void>> = [];
  const open = async (url = database.url, options = {}) => {
    const engine = await engineOn(url, FLOWS, options);
    closers.push(() => engine.close());
    return engine;
  };
  /** Another connection to the file, as another tool in this process would have. */
  const connect = (url = database.url) => {
    const connection = new BetterSqlite3(sqliteFileOf(url));
    closers.push(async () => void connection.close());
    return connection;
  };
  const selects = async (engine: Engine, fn: () => Promise<unknown>) => (await engine.database.statements.measure(fn)).select;
  /** The active task of `node` (ERROR counts as active). */
  const taskOf = async (engine: Engine, processId: number, node: string) =>
    (await engine.getTasks(processId)).find((t) => t.node === node && !['DONE', 'CANCELED', 'REVIVED'].includes(t.status))!;
  const childOf = async (engine: Engine, taskId: number) =>
    Number((await engine.database.db.selectFrom('flowlane_process').select('id').where('parent_task_id', '=', taskId).executeTakeFirstOrThrow()).id);

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    lineIds.length = 0;
    failing = true;
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await database.drop();
  });

  describe('the cache at work', () => {
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

  describe('writes between steps', () => {
    it('another OS process changes the data (without a version bump): the next step keeps that change', async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.assign(approve.id, { user: boss });
      const script = `
        const db = new (require('better-sqlite3'))(process.argv[1]);
        db.prepare("update flowlane_process set data = '{\\"note\\":\\"\\",\\"by\\":\\"tool\\"}' where id = ?").run(Number(process.argv[2]));
        db.close();`;
      const child = spawnSync(globalThis.process.execPath, ['-e', script, sqliteFileOf(database.url), String(process.id)], { encoding: 'utf8' });
      expect(child.stderr).toBe('');
      await engine.execute(approve.id, { user: boss, data: { note: 'ok' } });
      expect((await engine.getProcess(process.id)).data).toEqual({ note: 'ok', by: 'tool' });
    });

    it('another connection assigns the task: the step sees it, and the version bump it left out does not matter', async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      connect().prepare("update flowlane_task set status = 'ASSIGNED', owner_id = ?, assigned = 1 where id = ?").run(clerk.id, approve.id);
      await expect(engine.assign(approve.id, { user: boss })).rejects.toBeInstanceOf(TransitionError);
      await engine.execute(approve.id, { user: clerk, data: { note: 'by clerk' } });
      expect((await engine.getTasks(process.id)).map((t) => [t.node, t.status, t.ownerId])).toEqual([
        ['start', 'DONE', null],
        ['approve', 'DONE', clerk.id],
        ['check', 'NEW', null],
      ]);
    });

    it("another engine on the file finishes the process's task: a cancel of the process cancels the task that is active now", async () => {
      const a = await open();
      const b = await open();
      const process = await a.start(Approval, 'start');
      const approve = await taskOf(a, process.id, 'approve');
      await b.assign(approve.id, { user: clerk });
      await b.execute(approve.id, { user: clerk });
      await a.cancelProcess(process.id, { user: boss });
      expect((await a.getTasks(process.id)).map((t) => [t.node, t.status])).toEqual([
        ['start', 'DONE'],
        ['approve', 'DONE'],
        ['check', 'CANCELED'],
      ]);
    });

    it("engine.renameNode (the engine's own connection, outside a step): the next step runs the task as the new node", async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      expect(await engine.renameNode(Approval, 'approve', 'check')).toBe(1);
      await engine.assign(approve.id, { user: boss });
      await engine.execute(approve.id, { user: boss });
      // As "check" it leads to the end, not to a check task.
      expect(await engine.getProcess(process.id)).toMatchObject({ status: 'DONE' });
      expect((await engine.getTasks(process.id)).map((t) => t.node)).toEqual(['start', 'check', 'end']);
    });

    it("custom SQL in a step's transaction (withTask): the next step sees what it wrote", async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.withTask(approve.id, { user: boss }, async (ctx) => {
        // Data changed behind the step's back, with no version bump, committed with the step.
        await ctx.activation.db.updateTable('flowlane_process').set({ data: '{"note":"","by":"side"}' }).where('id', '=', process.id).execute();
        await ctx.activation.db.updateTable('flowlane_task').set({ comments: 'kept' }).where('id', '=', approve.id).execute();
        await ctx.perform('assign');
      });
      const done = await engine.execute(approve.id, { user: boss, data: { note: 'ok' } });
      expect(done.comments).toBe('kept');
      expect((await engine.getProcess(process.id)).data).toEqual({ note: 'ok', by: 'side' });
    });

    it('a step that only reads (a refused transition) leaves the cache exact for the next one', async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.assign(approve.id, { user: boss });
      await expect(engine.assign(approve.id, { user: clerk })).rejects.toBeInstanceOf(TransitionError);
      await expect(engine.startTask(approve.id, { user: clerk })).rejects.toThrow(/only the owner/);
      connect().prepare("update flowlane_task set status = 'NEW', owner_id = null, assigned = null where id = ?").run(approve.id);
      await expect(engine.execute(approve.id, { user: boss })).rejects.toBeInstanceOf(TransitionError);
      expect(await engine.assign(approve.id, { user: clerk })).toMatchObject({ status: 'ASSIGNED', ownerId: clerk.id });
    });

    it('more processes than the cache keeps: the oldest is read again and acted on correctly', async () => {
      const engine = await open();
      const first = await engine.start(Approval, 'start');
      for (let i = 0; i < 1000; i++) await engine.start(Approval, 'start');
      const last = await engine.start(Approval, 'start');
      const [firstTask, lastTask] = [await taskOf(engine, first.id, 'approve'), await taskOf(engine, last.id, 'approve')];
      expect(await selects(engine, () => engine.assign(lastTask.id, { user: boss }))).toBe(0);
      expect(await selects(engine, () => engine.assign(firstTask.id, { user: boss }))).toBe(2);
      await engine.execute(firstTask.id, { user: boss, data: { note: 'first' } });
      expect((await engine.getProcess(first.id)).data).toEqual({ note: 'first', by: '' });
    });
  });

  describe('rollbacks', () => {
    it('a sync step whose code wrote the data and threw leaves nothing in the next step', async () => {
      const engine = await open();
      const process = await engine.start(Fix, 'start');
      const go = await taskOf(engine, process.id, 'go');
      await expect(engine.runHandle(go.id)).rejects.toThrow('the fix failed');
      expect((await engine.getTask(go.id)).status).toBe('NEW');
      failing = false;
      let seen: unknown;
      await engine.withTask(go.id, {}, async (ctx) => {
        seen = structuredClone(ctx.process.data);
        await ctx.perform('run');
      });
      expect(seen).toEqual({ note: '', by: '' });
      expect(await engine.getProcess(process.id)).toMatchObject({ status: 'DONE', data: { note: 'touched' } });
    });

    it('a background failure puts the task in ERROR; revived, it runs as a new task', async () => {
      const engine = await open();
      const process = await engine.start(Fix, 'start');
      const go = await taskOf(engine, process.id, 'go');
      await engine.withTask(go.id, { mode: 'background' }, (ctx) => ctx.perform('run'));
      const fix = await taskOf(engine, process.id, 'fix');
      expect(fix.status).toBe('ERROR');
      expect((await engine.getProcess(process.id)).data).toEqual({ note: '', by: '' });
      failing = false;
      await engine.revive(fix.id, { user: boss });
      expect(await engine.getTask(fix.id)).toMatchObject({ status: 'REVIVED' });
      expect(await engine.getProcess(process.id)).toMatchObject({ status: 'DONE', data: { note: 'touched' } });
    });

    it('a step that lost its compare-and-set (ConcurrentUpdateError) leaves the next step acting on what was committed', async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      const lost = engine.withTask(approve.id, { user: boss }, async (ctx) => {
        await ctx.activation.db
          .updateTable('flowlane_process')
          .set({ version: sql`version + 1`, data: '{"note":"lost"}' })
          .where('id', '=', process.id)
          .execute();
        await ctx.perform('assign');
      });
      await expect(lost).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await engine.assign(approve.id, { user: clerk })).toMatchObject({ status: 'ASSIGNED', ownerId: clerk.id });
      expect((await engine.getProcess(process.id)).data).toEqual({ note: '', by: '' });
    });

    it('undo and revive (tasks that are no longer active) act on the rows as they are', async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.assign(approve.id, { user: boss });
      await engine.execute(approve.id, { user: boss, data: { note: 'one' } });
      const check = await taskOf(engine, process.id, 'check');
      await engine.cancelTask(check.id, { user: boss });
      await engine.undo(approve.id, { user: boss });
      await engine.revive(approve.id, { user: boss });
      const again = await taskOf(engine, process.id, 'approve');
      await engine.assign(again.id, { user: clerk });
      await engine.execute(again.id, { user: clerk });
      const next = await taskOf(engine, process.id, 'check');
      await engine.assign(next.id, { user: clerk });
      await engine.execute(next.id, { user: clerk });
      expect((await engine.getTasks(process.id)).map((t) => [t.node, t.status])).toEqual([
        ['start', 'DONE'],
        ['approve', 'REVIVED'],
        ['check', 'CANCELED'],
        ['approve', 'DONE'],
        ['check', 'DONE'],
        ['end', 'DONE'],
      ]);
      expect(await engine.getProcess(process.id)).toMatchObject({ status: 'DONE', data: { note: 'one' } });
    });
  });

  describe('subprocesses', () => {
    it('a finished child completes the parent; a canceled child puts the parent task in ERROR', async () => {
      const engine = await open();
      const parent = await engine.start(Parent, 'start');
      const sub = await taskOf(engine, parent.id, 'sub');
      const child = await childOf(engine, sub.id);
      const review = await taskOf(engine, child, 'review');
      await engine.assign(review.id, { user: boss });
      await engine.execute(review.id, { user: boss });
      expect(await engine.getProcess(parent.id)).toMatchObject({ status: 'DONE' });

      const other = await engine.start(Parent, 'start');
      const otherSub = await taskOf(engine, other.id, 'sub');
      await engine.cancelProcess(await childOf(engine, otherSub.id), { user: boss });
      expect(await engine.getTask(otherSub.id)).toMatchObject({ status: 'ERROR' });
      await engine.cancelProcess(other.id, { user: boss });
      expect(await engine.getProcess(other.id)).toMatchObject({ status: 'CANCELED' });
    });

    it('canceling the parent task cancels the child as it is after another connection assigned its task', async () => {
      const engine = await open();
      const parent = await engine.start(Parent, 'start');
      const sub = await taskOf(engine, parent.id, 'sub');
      const child = await childOf(engine, sub.id);
      const review = await taskOf(engine, child, 'review');
      connect().prepare("update flowlane_task set status = 'ASSIGNED', owner_id = ?, assigned = 1 where id = ?").run(clerk.id, review.id);
      await engine.cancelTask(sub.id, { user: boss });
      expect((await engine.getTasks(child)).map((t) => [t.node, t.status])).toEqual([
        ['start', 'DONE'],
        ['review', 'CANCELED'],
      ]);
      expect(await engine.getProcess(child)).toMatchObject({ status: 'CANCELED' });
    });
  });

  describe('the worker in this process', () => {
    it('a job whose lease was renewed on the engine connection completes, next to human steps on its process', async () => {
      const time = clock();
      const engine = await open(database.url, { now: time.now });
      const running = new Promise<void>((resolve) => (jobRunning = resolve));
      jobGate = new Promise<void>((resolve) => (letJobFinish = resolve));
      const worker = await startWorker(engine, { lease: 60, pollInterval: 20, sweepInterval: 50, logger: QUIET });
      closers.push(() => worker.stop());
      const process = await engine.start(Ship, 'start');
      await running;
      const pack = await taskOf(engine, process.id, 'pack');
      time.advance(1_000);
      // The lease moves on (an UPDATE of the worker on the engine's connection).
      await waitFor('a lease renewal', async () => (await engine.getTask(pack.id)).scheduled! > pack.scheduled!);
      const check = await taskOf(engine, process.id, 'check');
      await engine.assign(check.id, { user: boss });
      await engine.execute(check.id, { user: boss, data: { note: 'checked' } });
      letJobFinish();
      await waitFor('the process to finish', async () => (await engine.getProcess(process.id)).status === 'DONE');
      expect((await engine.getProcess(process.id)).data).toEqual({ note: 'checked', by: 'job' });
      expect(await engine.getTask(pack.id)).toMatchObject({ status: 'DONE', scheduled: null });
    });

    it('a timeout claimed on the engine connection fires in the step after the claim', async () => {
      const time = clock();
      const engine = await open(database.url, { now: time.now });
      const process = await engine.start(Remind, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.assign(approve.id, { user: boss });
      time.advance(2 * 3_600_000);
      const worker = await startWorker(engine, { pollInterval: 20, sweepInterval: 1_000, logger: QUIET });
      closers.push(() => worker.stop());
      await waitFor('the escalation', async () => (await engine.getTasks(process.id)).some((t) => t.node === 'escalate'));
      expect(await engine.getTask(approve.id)).toMatchObject({ status: 'CANCELED' });
    });
  });

  describe('concurrent steps of one engine', () => {
    it('steps asked for at once, failing ones among them, each act on what the one before committed', async () => {
      const engine = await open();
      const process = await engine.start(Pair, 'start');
      const [a, b] = [await taskOf(engine, process.id, 'a'), await taskOf(engine, process.id, 'b')];
      const outcomes = await Promise.allSettled([
        engine.assign(a.id, { user: boss }),
        engine.assign(a.id, { user: clerk }), // refused: a is boss's now
        engine.assign(b.id, { user: clerk }),
        engine.execute(a.id, { user: boss, data: { note: 'far too long for it' } }), // refused at the write
        engine.execute(b.id, { user: clerk, data: { by: 'clerk' } }),
        engine.execute(a.id, { user: boss, data: { note: 'boss' } }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await engine.getProcess(process.id)).toMatchObject({ status: 'DONE', data: { note: 'boss', by: 'clerk' } });
    });
  });

  describe('the same random operations with the cache and without', () => {
    it('give the same outcomes and leave the same rows', async () => {
      const other = await createTestDatabase('sqlite');
      closers.push(() => other.drop());
      const worlds = [];
      for (const [url, cached] of [
        [database.url, true],
        [other.url, false],
      ] as const) {
        const time = clock();
        const a = await open(url, { now: time.now });
        const b = await open(url, { now: time.now });
        if (!cached) [a, b].forEach(withoutCache);
        worlds.push({ a, b, time, raw: connect(url) });
      }
      let seed = 20240611;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const users: FlowUser[] = [boss, clerk, ann];
      const outcome = async (run: () => Promise<unknown>) => {
        try {
          return String(JSON.stringify(await run()));
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      };

      type World = (typeof worlds)[number];
      type Op = (world: World) => Promise<unknown>;
      const action = (taskId: number): Op => {
        const by = pick(users);
        const engine = random() < 0.5 ? 'a' : 'b';
        const what = pick(['assign', 'assign', 'unassign', 'start', 'execute', 'execute', 'execute', 'cancel', 'undo', 'revive'] as const);
        const note = pick(['', 'x', 'far too long for it']);
        return (w) => {
          const e = w[engine];
          switch (what) {
            case 'assign':
              return e.assign(taskId, { user: by });
            case 'unassign':
              return e.unassign(taskId, { user: by });
            case 'start':
              return e.startTask(taskId, { user: by });
            case 'execute':
              return e.execute(taskId, { user: by, data: { note } });
            case 'cancel':
              return e.cancelTask(taskId, { user: by });
            case 'undo':
              return e.undo(taskId, { user: by });
            case 'revive':
              return e.revive(taskId, { user: by });
          }
        };
      };

      const log: string[] = [];
      for (let i = 0; i < 300; i++) {
        const tasks = worlds[0]!.raw.prepare('select id, process_id, status from flowlane_task order by id').all() as Array<{ id: number; process_id: number; status: string }>;
        const active = tasks.filter((t) => ['NEW', 'ASSIGNED', 'STARTED'].includes(t.status));
        const processes = [...new Set(tasks.map((t) => t.process_id))];
        const r = random();
        let op: Op;
        if (r < 0.12 || tasks.length === 0) {
          const cls = random() < 0.5 ? Approval : Pair;
          const engine = random() < 0.5 ? 'a' : 'b';
          op = (w) => w[engine].start(cls as typeof Approval, 'start');
        } else if (r < 0.62) {
          op = action(pick(random() < 0.8 && active.length ? active : tasks).id);
        } else if (r < 0.72 && active.length) {
          const [first, second] = [action(pick(active).id), action(pick(active).id)];
          op = (w) => Promise.allSettled([first(w), second(w)]).then((all) => all.map((s) => (s.status === 'fulfilled' ? s.value : String(s.reason))));
        } else if (r < 0.8 && active.length) {
          // Another connection takes a task, or puts it back, and writes the data; no version bump.
          const task = pick(active);
          const owner = pick([null, ...users.map((u) => u.id)]);
          const by = pick(['raw', 'tool']);
          op = async (w) => {
            w.raw.prepare('update flowlane_task set status = ?, owner_id = ? where id = ?').run(owner === null ? 'NEW' : 'ASSIGNED', owner, task.id);
            w.raw.prepare("update flowlane_process set data = json_set(data, '$.by', ?) where id = ?").run(by, task.process_id);
          };
        } else if (r < 0.88 && active.length) {
          // The same through an engine's own connection, outside any step.
          const task = pick(active);
          const engine = random() < 0.5 ? 'a' : 'b';
          op = (w) =>
            w[engine].database.db
              .updateTable('flowlane_task')
              .set({ status: 'ASSIGNED', owner_id: ann.id })
              .where('id', '=', task.id)
              .where('status', '=', 'NEW')
              .execute()
              .then(() => undefined);
        } else {
          const id = pick(processes);
          const engine = random() < 0.5 ? 'a' : 'b';
          const by = pick([boss, ann]);
          op = (w) => w[engine].cancelProcess(id, { user: by });
        }
        const results = [];
        for (const w of worlds) {
          w.time.advance(1);
          results.push(await outcome(() => op(w)));
        }
        log.push(results[0]!);
        expect(results[0], `operation ${i}`).toBe(results[1]);
      }
      const rows = (w: World) => [
        w.raw.prepare('select * from flowlane_process order by id').all(),
        w.raw.prepare('select * from flowlane_task order by id').all(),
      ];
      expect(rows(worlds[0]!)).toEqual(rows(worlds[1]!));
      // The run did something: human tasks were done, steps were refused.
      expect(log.filter((l) => l.startsWith('{')).length).toBeGreaterThan(20);
      expect(log.filter((l) => /^(TransitionError|PermissionDeniedError)/.test(l)).length).toBeGreaterThan(10);
      const done = worlds[0]!.raw.prepare("select count(*) as n from flowlane_task where status = 'DONE' and task_type = 'HUMAN'").get();
      expect((done as { n: number }).n).toBeGreaterThan(2);
    });
  });

  // Each of these once failed: the cache answered from rows that were no
  // longer (or never) in the database.
  describe('reads outside a step, shared connections, undone work', () => {
    // engine.available (the web layer's GET pages ask it) runs no step, so
    // nothing checks the cache first: it must read the database.
    it('available: a task another connection assigned is not offered for assigning', async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      expect(await engine.available(approve.id, ann)).toEqual(['assign']);
      connect().prepare("update flowlane_task set status = 'ASSIGNED', owner_id = ? where id = ?").run(clerk.id, approve.id);
      expect(await engine.available(approve.id, ann)).toEqual([]);
    });

    it("available: a write of the engine's own connection outside a step is seen", async () => {
      const engine = await open();
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.database.db.updateTable('flowlane_task').set({ status: 'ASSIGNED', owner_id: clerk.id }).where('id', '=', approve.id).execute();
      expect(await engine.available(approve.id, ann)).toEqual([]);
    });

    it('the web task page offers the actions of the task as it is, not as this engine last wrote it', async () => {
      const engine = await open();
      const alice: FlowUser = { id: 1, username: 'alice', isSuperuser: false, permissions: new Set(), groups: new Set() };
      const app = new Hono<AuthEnv>({ strict: false });
      app.use(flashMessages({ secret: 'a flash secret of thirty-two characters' }));
      app.use(async (c, next) => {
        c.set('user', alice);
        c.set('session', null);
        c.set('csrfToken', 'token');
        await next();
      });
      app.route('/', workflowViewset({ engine, users: { names: async () => new Map(), byUsername: async () => null } }));
      const view = (c: Context<TaskEnv>) => c.text(`actions=${c.var.flowTask.actions.join(',')}`);
      (engine.flow(Approval).nodes.get('approve') as { view?: unknown }).view = view;
      const process = await engine.start(Approval, 'start');
      const approve = await taskOf(engine, process.id, 'approve');
      await engine.assign(approve.id, { user: alice });
      // Another process (a second server, the CLI) puts the task back in the queue.
      connect().prepare("update flowlane_task set status = 'NEW', owner_id = null, assigned = null where id = ?").run(approve.id);
      // Unassigned, the task shows its detail page with "Assign to me"; with
      // the rows this engine last wrote, it would open the node's view.
      const page = await (await app.request(`/workflow/approval/${process.id}/approve/${approve.id}`)).text();
      expect(page).toContain(`action="/workflow/approval/${process.id}/approve/${approve.id}/assign"`);
      expect(page).not.toContain('actions=');
    });

    // Engines handed one OpenDatabase share its connection: the other
    // engine's flush moves neither data_version nor the write count, so
    // they must share one cache too.
    it('two engines on one open database: a step of one is seen by the other', async () => {
      const shared = await openDatabase(database.url);
      closers.push(() => shared.close());
      const a = await createEngine({ database: shared, flows: FLOWS });
      const b = await createEngine({ database: shared, flows: FLOWS });
      const process = await a.start(Approval, 'start');
      const approve = await taskOf(a, process.id, 'approve');
      await a.assign(approve.id, { user: clerk });
      await b.unassign(approve.id, { user: clerk });
      // The task is NEW again; A still has it ASSIGNED to clerk and refuses.
      expect(await a.assign(approve.id, { user: boss })).toMatchObject({ status: 'ASSIGNED', ownerId: boss.id });
    });

    // Step.guard (a background node failing) takes the node's new rows out
    // of the unit of work; the cache must keep only rows the flush wrote.
    it('a child process whose start a background step rolled back is not found', async () => {
      const engine = await open();
      const process = await engine.start(Bulk, 'start');
      const go = await taskOf(engine, process.id, 'go');
      await engine.withTask(go.id, { mode: 'background' }, (ctx) => ctx.perform('run'));
      expect((await taskOf(engine, process.id, 'lines')).status).toBe('ERROR');
      expect(lineIds).toHaveLength(2);
      for (const id of lineIds) {
        await expect(engine.getProcess(id)).rejects.toBeInstanceOf(NotFoundError);
        // With the cache: ConcurrentUpdateError ("changed in another step"), from the UPDATE of a row that does not exist.
        await expect(engine.cancelProcess(id, { user: boss })).rejects.toBeInstanceOf(NotFoundError);
      }
    });

    // A process the step loads after its own SQL wrote state (a
    // subprocess's child, when its parent task is canceled) is read again.
    it("a step that cancels a child's task by SQL, then the parent task, sees its own write", async () => {
      const engine = await open();
      const parent = await engine.start(Parent, 'start');
      const sub = await taskOf(engine, parent.id, 'sub');
      const child = await childOf(engine, sub.id);
      const review = await taskOf(engine, child, 'review');
      await engine.withTask(sub.id, { user: boss }, async (ctx) => {
        await ctx.activation.db.updateTable('flowlane_task').set({ status: 'CANCELED' }).where('id', '=', review.id).execute();
        await ctx.perform('cancel'); // with the cache: ConcurrentUpdateError on the review task
      });
      expect(await engine.getProcess(child)).toMatchObject({ status: 'CANCELED' });
    });
  });
});
