/**
 * Work a step leaves for after its commit (step.afterCommit; engine
 * onCommitted hooks) runs once the step's lock is released: here it needs
 * that very lock, so if it ran inside the step it would wait for itself
 * until the lock timeout.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flow, flow, self, lock, type Activation, type Engine, type LockStrategy } from '../../src/index.ts';
import { describeEachDatabase, REDIS_URL } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';
import { redisUnavailable, uniquePrefix } from '../concurrency/support/redis.ts';

const noRedis = await redisUnavailable();
let engine: Engine;

function chained(label: string, strategy: LockStrategy) {
  /** Running `a` leaves "run b" for after its commit; b then completes the join. */
  return class extends Flow {
    static label = label;
    static lock = strategy;
    start = flow.StartHandle().Next(self.split);
    split = flow.Split().Always(self.a).Always(self.b);
    a = flow.Handle(self.thenRunB).Next(self.join);
    b = flow.Handle().Next(self.join);
    join = flow.Join().Next(self.end);
    end = flow.End();
    thenRunB(activation: Activation) {
      const b = activation.step.activeTasks(activation.process.id).find((t) => t.node === 'b')!;
      activation.step.afterCommit.push(async () => void (await engine.runHandle(b.id)));
    }
  };
}

await describeEachDatabase('after-commit work', (db) => {
  const flows = {
    rowLock: chained('chained-row', lock.rowLock({ attempts: 1 })),
    redis: chained('chained-redis', lock.redis({ url: REDIS_URL, prefix: uniquePrefix(), attempts: 3 })),
  };
  beforeAll(async () => {
    engine = await engineOn(db.url, Object.values(flows), { settings: { lockTimeoutMs: 1_000, sqliteBusyTimeoutMs: 1_000 } });
  });
  afterAll(() => engine?.close());

  for (const name of ['rowLock', 'redis'] as const) {
    it.skipIf(name === 'redis' && noRedis)(`lock.${name}: runs after the lock is released, and may take it again`, async () => {
      const process = await engine.start(flows[name], 'start');
      const a = (await engine.getTasks(process.id)).find((t) => t.node === 'a')!;
      // Inside the lock, running b would wait for a itself: a LockError after the lock timeout.
      await engine.runHandle(a.id);
      expect((await engine.getProcess(process.id)).status).toBe('DONE');
    });
  }
});
