/**
 * Flows the concurrency tests race, one copy per lock strategy (label
 * suffix), so the parent test and its worker processes register the same
 * classes from the same arguments.
 */
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { Flow, flow, self, lock, type Activation, type LockStrategy } from '../../../src/index.ts';

export type LockKind = 'none' | 'rowLock' | 'rowLockNowait' | 'redis';
export const LOCK_KINDS: LockKind[] = ['none', 'rowLock', 'rowLockNowait', 'redis'];

const RaceData = z.object({ n: z.number().int().default(1), count: z.number().int().default(0) });
type Race = z.infer<typeof RaceData>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function strategy(kind: LockKind, redisUrl: string, redisPrefix: string): LockStrategy {
  if (kind === 'rowLock') return lock.rowLock();
  if (kind === 'rowLockNowait') return lock.rowLock({ nowait: true });
  if (kind === 'redis') return lock.redis({ url: redisUrl, prefix: redisPrefix });
  return lock.none;
}

export function raceFlows(kind: LockKind, redisUrl: string, redisPrefix: string) {
  const chosen = strategy(kind, redisUrl, redisPrefix);

  /** n branches of one split into one Join, then a waiting `after` task.
   * Every branch adds one to `count` (a lost update shows as a short count). */
  class JoinRace extends Flow<Race> {
    static label = `join-race-${kind.toLowerCase()}`;
    static data = RaceData;
    static lock = chosen;
    start = flow.StartHandle(self.init).Next(self.split);
    split = flow.Split().Next(self.branch, { dataSource: self.items });
    branch = flow.Handle(self.work).Next(self.join);
    join = flow.Join().Next(self.after);
    after = flow.Handle().Next(self.end);
    end = flow.End();

    init(activation: Activation<Race>, n: number) {
      activation.process.data.n = n;
    }
    items(activation: Activation<Race>) {
      return Array.from({ length: activation.process.data.n }, (_, i) => i);
    }
    /** Runs inside the step's transaction; `delayMs` makes a slow step, and
     * `logFile` gets "enter <pid>" / "exit <pid>" lines around it. */
    async work(activation: Activation<Race>, delayMs = 0, logFile?: string) {
      if (logFile) appendFileSync(logFile, `enter ${process.pid}\n`);
      activation.process.data.count += 1;
      if (delayMs) await sleep(delayMs);
      if (logFile) appendFileSync(logFile, `exit ${process.pid}\n`);
    }
  }

  /** Two human tasks in a row, for assign/execute/cancel races. */
  class Review extends Flow {
    static label = `review-${kind.toLowerCase()}`;
    static lock = chosen;
    start = flow.StartHandle().Next(self.review);
    review = flow.View().Next(self.next);
    next = flow.View().Next(self.end);
    end = flow.End();
  }

  return { JoinRace, Review };
}

export function allRaceFlows(redisUrl: string, redisPrefix: string) {
  return Object.fromEntries(LOCK_KINDS.map((kind) => [kind, raceFlows(kind, redisUrl, redisPrefix)])) as Record<
    LockKind,
    ReturnType<typeof raceFlows>
  >;
}
