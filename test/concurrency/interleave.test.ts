/**
 * Two worker processes run steps of one process at once; each step logs
 * "enter"/"exit" around a 15 ms pause inside its transaction. Steps that are
 * kept apart log strict enter/exit pairs. On SQLite that holds even with
 * lock.none: BEGIN IMMEDIATE takes the file's write lock before the step
 * reads anything. On PostgreSQL and MariaDB lock.none lets them overlap,
 * which shows the check can fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.ts';
import type { LockKind } from './support/flows.ts';
import { redisUnavailable } from './support/redis.ts';
import { RACERS, raceFixture } from './support/setup.ts';

const STEPS = 20;
const noRedis = await redisUnavailable();
const dir = mkdtempSync(join(tmpdir(), 'flowlane-interleave-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

await describeEachDatabase('concurrency: steps of one process from two processes', (db) => {
  const fixture = raceFixture(db);

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
