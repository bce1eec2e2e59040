/**
 * Lock order, parent before child. Two engines race on a parent and its
 * child process: one finishes the child (its step locks the child; once
 * that lock is released, completing the parent task takes the parent's),
 * the other cancels the parent (its step locks the parent, then the child
 * it cascades to). Never nested the other way round, so neither can wait
 * for the other: no deadlock, no lock timeout, and every end state is one
 * of the consistent ones.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flow, flow, self, lock, type Engine, type LockStrategy } from '../../src/index.ts';
import { describeEachDatabase, REDIS_URL } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { redisUnavailable, uniquePrefix } from './support/redis.ts';

const noRedis = await redisUnavailable();
const boss = user('boss', { superuser: true });
const ROUNDS = 4;

function family(label: string, strategy: LockStrategy) {
  class Child extends Flow {
    static label = `child-${label}`;
    static lock = strategy;
    start = flow.StartHandle().Next(self.work);
    work = flow.Handle().Next(self.end);
    end = flow.End();
  }
  class Parent extends Flow {
    static label = `parent-${label}`;
    static lock = strategy;
    start = flow.StartHandle().Next(self.sub);
    sub = flow.Subprocess(Child, 'start').Next(self.end);
    end = flow.End();
  }
  return { Child, Parent };
}

await describeEachDatabase('concurrency: a parent and its subprocess', (db) => {
  const families = {
    rowLock: family('row', lock.rowLock()),
    redis: family('redis', lock.redis({ url: REDIS_URL, prefix: uniquePrefix() })),
  };
  const flows = Object.values(families).flatMap((f) => [f.Parent, f.Child]);
  let finisher: Engine;
  let canceler: Engine;
  beforeAll(async () => {
    finisher = await engineOn(db.url, flows);
    canceler = await engineOn(db.url, flows, { migrate: false });
  });
  afterAll(async () => {
    await finisher?.close();
    await canceler?.close();
  });

  for (const name of ['rowLock', 'redis'] as const) {
    it.skipIf(name === 'redis' && noRedis)(`lock.${name}: finishing the child while the parent is canceled ends consistently`, async () => {
      const { Parent } = families[name];
      for (let round = 0; round < ROUNDS; round++) {
        const parent = await finisher.start(Parent, 'start');
        const [sub] = (await finisher.getTasks(parent.id)).filter((t) => t.node === 'sub');
        const child = await finisher.database.db.selectFrom('flowlane_process').select('id').where('parent_task_id', '=', sub!.id).executeTakeFirstOrThrow();
        const [work] = (await finisher.getTasks(Number(child.id))).filter((t) => t.node === 'work');

        const outcomes = await Promise.allSettled([finisher.runHandle(work!.id), canceler.cancelProcess(parent.id, { user: boss })]);
        for (const o of outcomes) {
          if (o.status === 'rejected') expect((o.reason as Error).name).toMatch(/^(TransitionError|ConcurrentUpdateError)$/);
        }
        const state = `${(await finisher.getProcess(parent.id)).status} ${(await finisher.getProcess(Number(child.id))).status}`;
        expect([
          'CANCELED CANCELED', // the cancel came first and cascaded
          'DONE DONE', // the child finished and completed the parent first
          'CANCELED DONE', // the child finished; the parent was canceled before its task completed
        ]).toContain(state);
      }
    });
  }
});
