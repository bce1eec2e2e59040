/** Child process: one throughput run (Flowlane or the floor) on a fresh database. */
import { childMain } from '../child.ts';
import { createBenchDatabase, type DbKind } from '../db.ts';
import type { FlowName } from '../flows.ts';
import { runFlowlane } from './flowlane.ts';
import { runFloor } from './floor.ts';
import type { RunResult } from './measure.ts';

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
    return input.who === 'flowlane' ? await runFlowlane(options) : await runFloor(options);
  } finally {
    await database.drop();
  }
});
