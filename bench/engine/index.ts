/**
 * Part 1 and 2: engine throughput against the floor. Every (database,
 * flow, N) case runs `runs` times; each repetition runs Flowlane and the
 * floor back to back (alternating which goes first), each in a fresh
 * child process on a fresh database, so a ratio compares two runs made
 * moments apart on the same machine state.
 */
import { runChild } from '../child.ts';
import type { BenchOptions } from '../options.ts';
import { median } from '../stats.ts';
import type { DbKind } from '../db.ts';
import type { FlowName } from '../flows.ts';
import type { RunResult } from './measure.ts';
import type { WorkerInput } from './worker.ts';
import { sameFingerprint } from './fingerprint.ts';

export interface EngineCase {
  db: DbKind;
  flow: FlowName;
  n: number;
  concurrency: number;
  runs: Array<{ flowlane: RunResult; floor: RunResult }>;
  /** Medians over the runs. */
  flowlane: {
    processesPerSecond: number;
    tasksPerSecond: number;
    peakRssMB: number;
    addedRssMB: number;
    /** JS heap after a full GC at the end of the run. */
    heapAfterGcMB: number;
    cpuMsPerProcess: number;
    writtenKBPerProcess: number | null;
    perProcess: RunResult['perProcess'];
  };
  floor: { processesPerSecond: number; cpuMsPerProcess: number; perProcess: RunResult['perProcess'] };
  /** Median of Flowlane's time over the floor's time, per repetition. */
  overFloor: number;
}

const medianOf = (runs: RunResult[], pick: (r: RunResult) => number) => median(runs.map(pick));

export async function runEngine(options: BenchOptions, dbs: DbKind[], log: (line: string) => void): Promise<EngineCase[]> {
  const cases: EngineCase[] = [];
  for (const db of dbs) {
    const concurrency = db === 'sqlite' ? 1 : options.pgConcurrency;
    for (const flow of options.flows) {
      for (const n of options.sizes) {
        const runs: EngineCase['runs'] = [];
        for (let r = 0; r < options.runs; r++) {
          const input = (who: WorkerInput['who']): WorkerInput => ({ who, db, flow, n, warmup: options.warmup[db], concurrency });
          const order: Array<WorkerInput['who']> = r % 2 ? ['floor', 'flowlane'] : ['flowlane', 'floor'];
          const got: Partial<Record<WorkerInput['who'], RunResult>> = {};
          for (const who of order) got[who] = await runChild<RunResult>('./engine/worker.ts', input(who));
          runs.push({ flowlane: got.flowlane!, floor: got.floor! });
          if (!sameFingerprint(got.flowlane!.rows ?? {}, got.floor!.rows ?? {})) {
            throw new Error(
              `the floor no longer writes the rows Flowlane writes (${db} ${flow}): update bench/engine/floor-plan.ts\n` +
                `flowlane: ${JSON.stringify(got.flowlane!.rows)}\nfloor:    ${JSON.stringify(got.floor!.rows)}`,
            );
          }
          log(
            `engine ${db} ${flow} n=${n} run ${r + 1}/${options.runs}: flowlane ${got.flowlane!.processesPerSecond.toFixed(0)}/s, ` +
              `floor ${got.floor!.processesPerSecond.toFixed(0)}/s`,
          );
        }
        const fl = runs.map((x) => x.flowlane);
        const fo = runs.map((x) => x.floor);
        const perProcess = (list: RunResult[]) =>
          Object.fromEntries(Object.keys(list[0]!.perProcess).map((k) => [k, medianOf(list, (r) => r.perProcess[k as keyof RunResult['perProcess']])])) as RunResult['perProcess'];
        cases.push({
          db,
          flow,
          n,
          concurrency,
          runs,
          flowlane: {
            processesPerSecond: medianOf(fl, (r) => r.processesPerSecond),
            tasksPerSecond: medianOf(fl, (r) => r.tasksPerSecond),
            peakRssMB: medianOf(fl, (r) => r.peakRssMB),
            addedRssMB: medianOf(fl, (r) => r.peakRssMB - r.baseRssMB),
            heapAfterGcMB: medianOf(fl, (r) => r.heapAfterGcMB.after),
            cpuMsPerProcess: medianOf(fl, (r) => r.cpuMsPerProcess),
            writtenKBPerProcess: fl[0]!.writtenKBPerProcess === null ? null : medianOf(fl, (r) => r.writtenKBPerProcess ?? 0),
            perProcess: perProcess(fl),
          },
          floor: {
            processesPerSecond: medianOf(fo, (r) => r.processesPerSecond),
            cpuMsPerProcess: medianOf(fo, (r) => r.cpuMsPerProcess),
            perProcess: perProcess(fo),
          },
          overFloor: median(runs.map((x) => x.flowlane.seconds / x.floor.seconds)),
        });
      }
    }
  }
  return cases;
}
