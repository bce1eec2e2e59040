/** Part 3: reads at scale, on each database, in a child process per database. */
import { runChild } from '../child.ts';
import type { DbKind } from '../db.ts';
import type { BenchOptions } from '../options.ts';
import type { ScaleInput, ScaleResult } from './worker.ts';

export type { ScaleResult };

export async function runScale(options: BenchOptions, dbs: DbKind[], log: (line: string) => void): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const db of dbs) {
    const input: ScaleInput = { db, processes: options.scaleProcesses, users: 1000, samples: options.scaleSamples };
    const result = await runChild<ScaleResult>('./scale/worker.ts', input);
    log(`scale ${db}: loaded ${result.load.tasks} tasks in ${result.load.seconds.toFixed(0)} s; ` + result.reads.map((r) => `${r.name} p95 ${r.p95.toFixed(1)} ms`).join(', '));
    results.push(result);
  }
  return results;
}
