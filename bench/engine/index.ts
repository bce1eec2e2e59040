/**
 * Part 1 and 2: engine throughput against the floor. Every (database,
 * flow, N) case runs `runs` times. A repetition starts Flowlane and the
 * floor in two child processes, each on a fresh database, warms both up,
 * then drives them in turns, a chunk of the N processes at a time (ABBA
 * order), so that a stretch of load from other work on the machine falls
 * on both sides alike and the ratio compares like with like.
 */
import { ChildSession } from '../child.ts';
import type { BenchOptions } from '../options.ts';
import { median } from '../stats.ts';
import type { DbKind } from '../db.ts';
import { FLOWS, type FlowName } from '../flows.ts';
import type { RunResult } from './measure.ts';
import type { ChunkCost, SideEnd, SideInput, SideRequest } from './worker.ts';
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
          const got = await compare({ db, flow, n, warmup: options.warmup[db], concurrency }, r);
          runs.push(got);
          if (!sameFingerprint(got.flowlane.rows ?? {}, got.floor.rows ?? {})) {
            throw new Error(
              `the floor no longer writes the rows Flowlane writes (${db} ${flow}): update bench/engine/floor-plan.ts\n` +
                `flowlane: ${JSON.stringify(got.flowlane.rows)}\nfloor:    ${JSON.stringify(got.floor.rows)}`,
            );
          }
          log(
            `engine ${db} ${flow} n=${n} run ${r + 1}/${options.runs}: flowlane ${got.flowlane.processesPerSecond.toFixed(0)}/s, ` +
              `floor ${got.floor.processesPerSecond.toFixed(0)}/s`,
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

type Who = SideInput['who'];

/** Chunks per repetition: enough turns to spread the machine's moods over
 * both sides, few enough that each chunk is long against a pool's tail. */
const chunksOf = (n: number) => Math.max(2, Math.min(10, Math.floor(n / 200)));

/** One repetition: both sides warmed up, then driven in turns (ABBA). */
async function compare(input: Omit<SideInput, 'who'> & { n: number }, repetition: number): Promise<{ flowlane: RunResult; floor: RunResult }> {
  const sides: Record<Who, ChildSession<SideRequest, unknown>> = {
    flowlane: ChildSession.start('./engine/worker.ts'),
    floor: ChildSession.start('./engine/worker.ts'),
  };
  try {
    const first: Who[] = repetition % 2 ? ['floor', 'flowlane'] : ['flowlane', 'floor'];
    for (const who of first) await sides[who].request({ cmd: 'start', input: { ...input, who } });
    const spent: Record<Who, ChunkCost> = { flowlane: { seconds: 0, cpuMs: 0, writtenKB: 0 }, floor: { seconds: 0, cpuMs: 0, writtenKB: 0 } };
    const chunks = chunksOf(input.n);
    for (let c = 0; c < chunks; c++) {
      const count = Math.floor((input.n * (c + 1)) / chunks) - Math.floor((input.n * c) / chunks);
      const order = c % 2 ? [...first].reverse() : first;
      for (const who of order) {
        const cost = (await sides[who].request({ cmd: 'chunk', count })) as ChunkCost;
        spent[who].seconds += cost.seconds;
        spent[who].cpuMs += cost.cpuMs;
        spent[who].writtenKB = spent[who].writtenKB === null || cost.writtenKB === null ? null : spent[who].writtenKB + cost.writtenKB;
      }
    }
    const result = {} as { flowlane: RunResult; floor: RunResult };
    for (const who of first) {
      const end = (await sides[who].request({ cmd: 'finish' })) as SideEnd;
      result[who] = runResult(who, input, spent[who], end);
    }
    return result;
  } finally {
    sides.flowlane.stop();
    sides.floor.stop();
  }
}

function runResult(who: Who, input: Omit<SideInput, 'who'> & { n: number }, spent: ChunkCost, end: SideEnd): RunResult {
  const per = (v: number) => v / end.measured;
  const perProcess = Object.fromEntries(Object.entries(end.totals).map(([k, v]) => [k, per(v)])) as RunResult['perProcess'];
  return {
    who,
    db: input.db,
    flow: input.flow,
    n: input.n,
    concurrency: input.concurrency,
    seconds: spent.seconds,
    processesPerSecond: input.n / spent.seconds,
    tasksPerSecond: (input.n * FLOWS[input.flow].tasks) / spent.seconds,
    perProcess,
    cpuMsPerProcess: per(spent.cpuMs),
    writtenKBPerProcess: spent.writtenKB === null ? null : per(spent.writtenKB),
    peakRssMB: end.peakRssMB,
    baseRssMB: end.baseRssMB,
    heapAfterGcMB: end.heapAfterGcMB,
    rows: end.rows,
  };
}
