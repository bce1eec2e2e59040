/** Child process: one throughput run (Flowlane or the floor) on a fresh database. */
import { childMain } from '../child.ts';
import { createBenchDatabase, type DbKind } from '../db.ts';
import type { FlowName } from '../flows.ts';
import { runFlowlane } from './flowlane.ts';
import { runFloor } from './floor.ts';
import type { RunResult } from './measure.ts';
import { fingerprint } from './fingerprint.ts';

export interface WorkerInput {
  who: 'flowlane' | 'floor';
  db: DbKind;
  flow: FlowName;
  n: number;
  warmup: number;
  concurrency: number;
}

await childMain<WorkerInput, RunResult>(async (input) => {
  const database = await createBenchDatabase(input.db);
  try {
    const options = { ...input, url: database.url };
    const result = input.who === 'flowlane' ? await runFlowlane(options) : await runFloor(options);
    return { ...result, rows: await fingerprint(input.db, database.url, input.n + input.warmup) };
  } finally {
    await database.drop();
  }
});
