/**
 * Many steps of one process at once, from two worker processes.
 *
 * (a) 50 branches of one split completed at the same moment into one Join.
 * With a lock (or on SQLite, whose write lock is taken when the transaction
 * begins) exactly one Join completes and one next task exists. With
 * lock.none on PostgreSQL or MariaDB the join breaks: the evidence behind
 * docs/locking.md.
 *
 * Steps never interleave: each logs "enter"/"exit" around a 15 ms pause
 * inside its transaction; kept apart, the log is strict pairs. On SQLite
 * that holds even with lock.none; on PostgreSQL and MariaDB lock.none lets
 * them overlap, which shows the check can fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Engine, TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import type { LockKind } from './support/flows.ts';
import type { Outcome } from './support/racers.ts';
import { redisUnavailable } from './support/redis.ts';
import { RACERS, raceFixture } from './support/setup.ts';

const BRANCHES = 50;
const STEPS = 20;
const noRedis = await redisUnavailable();
const dir = mkdtempSync(join(tmpdir(), 'flowlane-interleave-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JoinResult {
  outcomes: Outcome[];
  tasks: TaskInfo[];
  count: number;
  processId: number;
}

const byNode = (tasks: TaskInfo[], node: string) => tasks.filter((t) => t.node === node);

async function completeAllBranches(fixture: ReturnType<typeof raceFixture>, kind: LockKind): Promise<JoinResult> {
  const engine: Engine = fixture.engine;
  const process = await engine.start(fixture.flows[kind].JoinRace, 'start', { args: [BRANCHES] });
  const branches = byNode(await engine.getTasks(process.id), 'branch');
  expect(branches).toHaveLength(BRANCHES);
  const outcomes = await fixture.racers.race(branches.map((t) => ({ op: 'runHandle', taskId: t.id })));
  const after = await engine.getProcess<{ count: number }>(process.id);
  return { outcomes, tasks: await engine.getTasks(process.id), count: after.data.count, processId: process.id };
}

/** The one correct end state: every branch DONE, one Join DONE fed by all of them, one next task. */
function joinedOnce({ outcomes, tasks, count }: JoinResult): boolean {
  const joins = byNode(tasks, 'join');
  return (
    outcomes.every((o) => o.ok) &&
    byNode(tasks, 'branch').every((t) => t.status === 'DONE') &&
    joins.length === 1 &&
    joins[0]!.status === 'DONE' &&
    joins[0]!.previous.length === BRANCHES &&
    byNode(tasks, 'after').length === 1 &&
    count === BRANCHES
  );
}

/** Log lines of steps that overlapped: an "enter" while another step was inside. */
function overlaps(log: string[]): number {
  let inside = 0;
  let count = 0;
  for (const line of log) {
    if (line.startsWith('enter')) {
      if (inside > 0) count++;
      inside++;
    } else inside--;
  }
  return count;
}

await describeEachDatabase('concurrency: many steps of one process at once', (db) => {
  const fixture = raceFixture(db);

  for (const kind of ['rowLock', 'rowLockNowait', 'redis'] as const) {
    it.skipIf(kind === 'redis' && noRedis)(`lock.${kind}: exactly one Join completes and one next task exists`, async () => {
      const result = await completeAllBranches(fixture, kind);
      expect(result.outcomes.filter((o) => !o.ok)).toEqual([]);
      const { tasks } = result;
      const [join] = byNode(tasks, 'join');
      expect(byNode(tasks, 'join')).toHaveLength(1);
      expect(join!.status).toBe('DONE');
      expect(join!.previous).toEqual(byNode(tasks, 'branch').map((t) => t.id));
      expect(byNode(tasks, 'after').map((t) => [t.status, t.previous])).toEqual([['NEW', [join!.id]]]);
      // start, split, the branches, join, after: nothing duplicated
      expect(tasks).toHaveLength(BRANCHES + 4);
      expect(result.count).toBe(BRANCHES);
      expect(joinedOnce(result)).toBe(true);

      await fixture.engine.runHandle(byNode(tasks, 'after')[0]!.id);
      expect((await fixture.engine.getProcess(result.processId)).status).toBe('DONE');
    });
  }

  if (db.kind === 'sqlite') {
    it('lock.none on SQLite: BEGIN IMMEDIATE serializes the steps, so the join is still exact', async () => {
      expect(joinedOnce(await completeAllBranches(fixture, 'none'))).toBe(true);
    });
  } else {
    it(`lock.none on ${db.kind === 'postgres' ? 'PostgreSQL' : 'MariaDB'}: most completions are refused and must be retried, but nothing is lost or duplicated`, async () => {
      const result = await completeAllBranches(fixture, 'none');
      expect(joinedOnce(result)).toBe(false);
      const failed = result.outcomes.filter((o) => !o.ok);
      const succeeded = result.outcomes.length - failed.length;
      // Steps of one process run side by side; the process version makes all
      // but the first to commit fail (PostgreSQL: ConcurrentUpdateError;
      // MariaDB may see a deadlock first: LockError).
      expect(failed.length).toBeGreaterThan(0);
      for (const o of failed) expect(['ConcurrentUpdateError', 'LockError']).toContain(o.error.name);
      // What committed is consistent: one increment per successful step, at most one join.
      expect(result.count).toBe(succeeded);
      expect(byNode(result.tasks, 'branch').filter((t) => t.status === 'DONE')).toHaveLength(succeeded);
      expect(byNode(result.tasks, 'join').length).toBeLessThanOrEqual(1);
    });
  }

  for (const kind of ['none', 'rowLock', 'redis'] as LockKind[]) {
    const keptApart = kind !== 'none' || db.kind === 'sqlite';
    it.skipIf(kind === 'redis' && noRedis)(`lock.${kind}: steps ${keptApart ? 'never interleave' : 'interleave'}`, async () => {
      const logFile = join(dir, `${db.kind}-${kind}.log`);
      const process = await fixture.engine.start(fixture.flows[kind].JoinRace, 'start', { args: [STEPS] });
      const branches = (await fixture.engine.getTasks(process.id)).filter((t) => t.node === 'branch');
      await fixture.racers.race(branches.map((t) => ({ op: 'runHandle', taskId: t.id, args: [15, logFile] })));
      const log = readFileSync(logFile, 'utf8').trim().split('\n');
      // Both worker processes ran steps.
      expect(new Set(log.map((line) => line.split(' ')[1])).size).toBe(RACERS);
      if (keptApart) {
        expect(overlaps(log)).toBe(0);
        expect(log).toHaveLength(2 * STEPS);
        expect((await fixture.engine.getProcess<{ count: number }>(process.id)).data.count).toBe(STEPS);
      } else {
        expect(overlaps(log)).toBeGreaterThan(0);
      }
    });
  }
});
