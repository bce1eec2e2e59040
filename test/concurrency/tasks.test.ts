/**
 * Races on one task, from two processes at the same instant, with each
 * lock on each database: (b) two users assign it, the owner executes it
 * twice; (c) a second request waits for a slow step of the same process;
 * (e) the process is canceled while its task is executed.
 */
import { expect, it } from 'vitest';
import type { TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import type { LockKind } from './support/flows.ts';
import type { Outcome, UserJson } from './support/racers.ts';
import { redisUnavailable } from './support/redis.ts';
import { raceFixture } from './support/setup.ts';

const noRedis = await redisUnavailable();
const alice: UserJson = { id: 11, username: 'alice' };
const bob: UserJson = { id: 12, username: 'bob' };
const boss: UserJson = { id: 13, username: 'boss', superuser: true };
const asUser = (u: UserJson) => ({ id: u.id, username: u.username, isSuperuser: !!u.superuser, permissions: new Set<string>(), groups: new Set<string>() });
const ROUNDS = 3;

const LOCKS: LockKind[] = ['none', 'rowLock', 'redis'];
const failures = (outcomes: Outcome[]) => outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
const node = (tasks: TaskInfo[], name: string) => tasks.filter((t) => t.node === name);

await describeEachDatabase('concurrency: races on one task', (db) => {
  const fixture = raceFixture(db);
  /** With a lock, or on SQLite, the loser ran after the winner committed and saw it. */
  const serialized = (kind: LockKind) => kind !== 'none' || db.kind === 'sqlite';

  async function review(kind: LockKind, assignTo?: UserJson) {
    const process = await fixture.engine.start(fixture.flows[kind].Review, 'start');
    const [task] = node(await fixture.engine.getTasks(process.id), 'review');
    if (assignTo) await fixture.engine.assign(task!.id, { user: asUser(assignTo) });
    return { processId: process.id, taskId: task!.id };
  }

  for (const kind of LOCKS) {
    const test = it.skipIf(kind === 'redis' && noRedis);

    test(`lock.${kind}: two users assign one task at once: one owns it, the other gets a clear error`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { taskId } = await review(kind);
        const outcomes = await fixture.racers.race([
          { op: 'assign', taskId, user: alice },
          { op: 'assign', taskId, user: bob },
        ]);
        const [error, ...more] = failures(outcomes);
        expect(more).toEqual([]);
        const winner = outcomes[0]!.ok ? alice : bob;
        const task = await fixture.engine.getTask(taskId);
        expect([task.status, task.ownerId]).toEqual(['ASSIGNED', winner.id]);
        if (serialized(kind)) {
          expect(error).toMatchObject({ name: 'TransitionError', message: expect.stringContaining('is ASSIGNED; only a NEW task can be assigned') });
        } else {
          // Both read NEW; the compare-and-set (process version, task status) lets one through.
          expect(error?.name).toMatch(/^(ConcurrentUpdateError|TransitionError|LockError)$/);
        }
      }
    });

    test(`lock.${kind}: the owner executes one task twice at once: it completes once`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { processId, taskId } = await review(kind, alice);
        const outcomes = await fixture.racers.race([
          { op: 'execute', taskId, user: alice },
          { op: 'execute', taskId, user: alice },
        ]);
        const [error, ...more] = failures(outcomes);
        expect(more).toEqual([]);
        expect(error?.name).toMatch(serialized(kind) ? /^TransitionError$/ : /^(ConcurrentUpdateError|TransitionError|LockError)$/);
        const tasks = await fixture.engine.getTasks(processId);
        expect(node(tasks, 'review').map((t) => t.status)).toEqual(['DONE']);
        expect(node(tasks, 'next').map((t) => [t.status, t.previous])).toEqual([['NEW', [taskId]]]);
      }
    });

    test(`lock.${kind}: a second request during a slow step of its process ${serialized(kind) ? 'waits, sees the committed state and is refused' : 'does not wait: it wins and the slow step is refused'}`, async () => {
      const process = await fixture.engine.start(fixture.flows[kind].JoinRace, 'start', { args: [1] });
      const [branch] = node(await fixture.engine.getTasks(process.id), 'branch');
      const [slow, second] = await fixture.racers.race([
        { op: 'runHandle', taskId: branch!.id, args: [400] },
        { op: 'runHandle', taskId: branch!.id, after: 100 },
      ]);
      expect(second!.began).toBeLessThan(slow!.ended);
      if (serialized(kind)) {
        expect(slow!.ok).toBe(true);
        // Asked while the slow step was open, answered once it had committed.
        expect(second!.ended).toBeGreaterThanOrEqual(slow!.ended - 5);
        expect(failures([second!])).toEqual([expect.objectContaining({ name: 'TransitionError', message: expect.stringContaining('is DONE') })]);
      } else {
        // Without a lock the second read NEW at once and committed first; the slow
        // step ran its handler, then lost the compare-and-set on the task's status.
        expect(second!.ok).toBe(true);
        expect(second!.ended).toBeLessThan(slow!.ended);
        expect(failures([slow!])).toEqual([expect.objectContaining({ name: 'ConcurrentUpdateError' })]);
      }
      const tasks = await fixture.engine.getTasks(process.id);
      expect(node(tasks, 'after')).toHaveLength(1);
      expect((await fixture.engine.getProcess<{ count: number }>(process.id)).data.count).toBe(1);
    });

    test(`lock.${kind}: cancel of a process racing the execution of its task ends in one of the outcomes, never a mix`, async () => {
      const seen = new Set<string>();
      for (let round = 0; round < ROUNDS; round++) {
        const { processId, taskId } = await review(kind, alice);
        const [cancel, execute] = await fixture.racers.race([
          { op: 'cancelProcess', processId, user: boss },
          { op: 'execute', taskId, user: alice },
        ]);
        const process = await fixture.engine.getProcess(processId);
        const tasks = await fixture.engine.getTasks(processId);
        const state = [process.status, ...['review', 'next'].map((n) => node(tasks, n).map((t) => t.status).join('+') || '-')].join(' ');
        const outcome = `${cancel!.ok ? 'cancel' : 'cancel refused'}, ${execute!.ok ? 'execute' : 'execute refused'}: ${state}`;
        seen.add(outcome);
        expect([
          'cancel, execute refused: CANCELED CANCELED -', // cancel first; the execution finds a canceled task
          'cancel, execute: CANCELED DONE CANCELED', // executed first; the cancel then cancels the next task
          'cancel refused, execute: NEW DONE NEW', // both read the task; the cancel lost the compare-and-set
        ]).toContain(outcome);
        if (serialized(kind)) expect(outcome).not.toMatch(/^cancel refused/);
      }
      expect(seen.size).toBeGreaterThan(0);
    });
  }
});
