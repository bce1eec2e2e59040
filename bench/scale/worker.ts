/** Child process: load the scale data into a fresh database, time the reads, drop it. */
import { childMain } from '../child.ts';
import { createBenchDatabase, type DbKind } from '../db.ts';
import { loadScaleData, type LoadResult } from './load.ts';
import { runReads, type ReadResult } from './workload.ts';

export interface ScaleInput {
  db: DbKind;
  processes: number;
  users: number;
  samples: number;
}

export interface ScaleResult {
  db: DbKind;
  load: LoadResult;
  users: number;
  reads: ReadResult[];
}

await childMain<ScaleInput, ScaleResult>(async (input) => {
  const database = await createBenchDatabase(input.db);
  try {
    const now = Date.now();
    const load = await loadScaleData(input.db, database.url, { processes: input.processes, users: input.users, since: now - 365 * 86_400_000, now });
    const reads = await runReads(input.db, database.url, input.users, input.processes, input.samples);
    return { db: input.db, load, users: input.users, reads };
  } finally {
    await database.drop();
  }
});
