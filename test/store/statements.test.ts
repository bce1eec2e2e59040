/**
 * Statement budget per step, on each database (docs/statements.md). Counts
 * are exact: a new statement in a step is a decision, not an accident. The
 * first step of an engine also reserves an id block; every test warms up
 * before it measures. On SQLite a step also reads `pragma data_version`
 * (counted as control) and, when this engine's last step on the process
 * left it as it is, loads nothing (engine/state-cache.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, act, lock, type Activation, type Engine, type LockStrategy } from '../../src/index.ts';
import type { StatementCounts } from '../../src/store/statements.ts';
import { describeEachDatabase, REDIS_URL } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { redisUnavailable, uniquePrefix } from '../concurrency/support/redis.ts';

const noRedis = await redisUnavailable();
const boss = user('boss', { superuser: true });
const Data = z.object({ ok: z.boolean().default(true), n: z.number().int().default(0), items: z.number().int().default(2) });
type Budget = z.infer<typeof Data>;

function budgetFlows(label: string, strategy: LockStrategy) {
  /** StartHandle → approve → review (humans) → work (Handle) → If → Function → End. */
  class Steps extends Flow<Budget> {
    static label = `steps-${label}`;
    static data = Data;
    static lock = strategy;
    start = flow.StartHandle().Next(self.approve);
    approve = flow.View().Next(self.review);
    review = flow.View().Next(self.work);
    work = flow.Handle().Next(self.check);
    check = flow.If(act.process.data.ok).Then(self.fn).Else(self.end);
    fn = flow.Function(self.count).Next(self.end);
    end = flow.End();
    count(activation: Activation<Budget>) {
      activation.process.data.n += 1;
    }
  }
  /** A split over `items` branches into a Join. */
  class Fan extends Flow<Budget> {
    static label = `fan-${label}`;
    static data = Data;
    static lock = strategy;
    start = flow.StartHandle().Next(self.split);
    split = flow.Split().Next(self.branch, { dataSource: self.items });
    branch = flow.Handle().Next(self.join);
    join = flow.Join().Next(self.end);
    end = flow.End();
    items(activation: Activation<Budget>) {
      return Array.from({ length: activation.process.data.items }, (_, i) => i);
    }
  }
  return { Steps, Fan };
}

/** Data statements by verb; every step is one BEGIN and one COMMIT (SQLite: and its data_version). */
const budget = (select: number, insert: number, update: number, control = 2): StatementCounts => ({
  data: select + insert + update,
  control,
  select,
  insert,
  update,
  delete: 0,
});

const LOCKS = ['none', 'rowLock', 'redis'] as const;
type LockName = (typeof LOCKS)[number];

await describeEachDatabase('statement budget per step', (db) => {
  const sqlite = db.kind === 'sqlite';
  /** A step's budget on this database. */
  const step = (select: number, insert: number, update: number) => budget(select, insert, update, sqlite ? 3 : 2);
  /** The two loads (process, active tasks), which SQLite skips when its state cache holds the process. */
  const loads = sqlite ? 0 : 2;
  const prefix = uniquePrefix();
  const strategies: Record<LockName, LockStrategy> = {
    none: lock.none,
    rowLock: lock.rowLock(),
    redis: lock.redis({ url: REDIS_URL, prefix }),
  };
  const flows = Object.fromEntries(LOCKS.map((name) => [name, budgetFlows(name.toLowerCase(), strategies[name])])) as Record<
    LockName,
    ReturnType<typeof budgetFlows>
  >;
  const engines = {} as Record<LockName, Engine>;
  beforeAll(async () => {
    // One engine per lock: an engine whose flows all share a lock needs no query to find it.
    for (const name of LOCKS) {
      engines[name] = await engineOn(db.url, [flows[name].Steps, flows[name].Fan]);
      await engines[name].start(flows[name].Steps, 'start'); // warm up: reserves the id block
    }
  });
  afterAll(async () => {
    for (const engine of Object.values(engines)) await engine?.close();
  });
  const measure = (engine: Engine, fn: () => Promise<unknown>) => engine.database.statements.measure(fn);

  it('the first step of an engine also reserves an id block', async () => {
    const engine = await engineOn(db.url, [flows.none.Steps, flows.none.Fan]);
    try {
      const first = await measure(engine, () => engine.start(flows.none.Steps, 'start'));
      const second = await measure(engine, () => engine.start(flows.none.Steps, 'start'));
      expect(second).toEqual(step(0, 2, 0));
      // SQLite and PostgreSQL: UPDATE … RETURNING; MySQL: UPDATE … LAST_INSERT_ID(…), then SELECT LAST_INSERT_ID().
      expect(first).toEqual(db.kind === 'mysql' ? step(1, 2, 1) : step(0, 2, 1));
    } finally {
      await engine.close();
    }
  });

  for (const name of LOCKS) {
    // A Redis lock is keyed by process: a step on a task first reads which process that is.
    const lookup = name === 'redis' ? 1 : 0;
    it.skipIf(name === 'redis' && noRedis)(`lock.${name}: start, assign, execute, run a handle`, async () => {
      const engine = engines[name];
      const { Steps } = flows[name];
      const open = async (processId: number, node: string) =>
        (await engine.getTasks(processId)).find((t) => t.node === node && t.status !== 'DONE')!.id;

      let processId = 0;
      // INSERT the process, INSERT its tasks (start, approve; each row lists the tasks that led to it)
      expect(await measure(engine, async () => void (processId = (await engine.start(Steps, 'start')).id))).toEqual(step(0, 2, 0));
      const approve = await open(processId, 'approve');
      // SELECT the process, SELECT its active tasks, UPDATE the process (its version), UPDATE the task
      expect(await measure(engine, () => engine.assign(approve, { user: boss }))).toEqual(step(loads + lookup, 0, 2));
      // … and INSERT the next task
      expect(await measure(engine, () => engine.execute(approve, { user: boss }))).toEqual(step(loads + lookup, 1, 2));
      const review = await open(processId, 'review');
      await engine.assign(review, { user: boss });
      await engine.execute(review, { user: boss });
      const work = await open(processId, 'work');
      // Handle → If → Function → End: INSERT 3 tasks, UPDATE the handle, UPDATE the process
      expect(await measure(engine, () => engine.runHandle(work))).toEqual(step(loads + lookup, 1, 2));
      expect((await engine.getProcess(processId)).status).toBe('DONE');
    });
  }

  it('no statement per task: a split, its join and a cancel cost the same for 2 branches as for 40', async () => {
    const engine = engines.none;
    const { Fan } = flows.none;
    const costs = async (items: number) => {
      let processId = 0;
      const start = await measure(engine, async () => void (processId = (await engine.start(Fan, 'start', { data: { items } })).id));
      const branches = (await engine.getTasks(processId)).filter((t) => t.node === 'branch');
      for (const b of branches.slice(0, -1)) await engine.runHandle(b.id);
      const lastBranch = await measure(engine, () => engine.runHandle(branches.at(-1)!.id)); // completes the join
      const other = (await engine.start(Fan, 'start', { data: { items } })).id;
      const cancel = await measure(engine, () => engine.cancelProcess(other, { user: boss }));
      expect((await engine.getTasks(other)).filter((t) => t.status === 'CANCELED')).toHaveLength(items);
      return { start, lastBranch, cancel };
    };
    const few = await costs(2);
    expect(await costs(40)).toEqual(few);
    expect(few).toEqual({
      // INSERT process, tasks (start, split, every branch): one statement each
      start: step(0, 2, 0),
      // INSERT end; UPDATE the branch, the join (DONE, its last branch), the process (DONE)
      lastBranch: step(loads, 1, 3),
      // UPDATE every branch in one statement, UPDATE the process
      cancel: step(loads, 0, 2),
    });
  });
});
