/**
 * Child process holding one side of a throughput comparison (Flowlane or
 * the floor) on a fresh database: warm-up, then measured chunks as the
 * parent asks for them, then what the run cost and left behind.
 */
import { serveSession } from '../child.ts';
import { createBenchDatabase, type BenchDatabase, type DbKind } from '../db.ts';
import type { FlowName } from '../flows.ts';
import { flowlaneDriver } from './flowlane.ts';
import { floorDriver } from './floor.ts';
import { heapAfterGcMB, peakRssMB, rssMB, startCost, type Driver, type Totals } from './measure.ts';
import { fingerprint, type Fingerprint } from './fingerprint.ts';

export interface SideInput {
  who: 'flowlane' | 'floor';
  db: DbKind;
  flow: FlowName;
  warmup: number;
  concurrency: number;
}

export type SideRequest = { cmd: 'start'; input: SideInput } | { cmd: 'chunk'; count: number } | { cmd: 'finish' };

export interface ChunkCost {
  seconds: number;
  cpuMs: number;
  writtenKB: number | null;
}

export interface SideEnd {
  totals: Totals;
  measured: number;
  peakRssMB: number;
  baseRssMB: number;
  heapAfterGcMB: { before: number; after: number };
  rows: Fingerprint;
}

let side: { input: SideInput; database: BenchDatabase; driver: Driver; measured: number; baseRssMB: number; heapBefore: number } | undefined;

serveSession<SideRequest, object>(async (request) => {
  if (request.cmd === 'start') {
    const { input } = request;
    const database = await createBenchDatabase(input.db);
    const options = { url: database.url, db: input.db, flow: input.flow, concurrency: input.concurrency };
    const driver = input.who === 'flowlane' ? await flowlaneDriver(options) : await floorDriver(options);
    await driver.run(input.warmup, false);
    // No forced GC here: a full collection right before a measured run
    // slows the run after it (measured: 3,366 -> 2,006 processes/s at N = 1,000).
    side = { input, database, driver, measured: 0, baseRssMB: rssMB(), heapBefore: process.memoryUsage().heapUsed / 2 ** 20 };
    return {};
  }
  if (!side) throw new Error(`"${request.cmd}" before "start"`);
  if (request.cmd === 'chunk') {
    const stopCost = startCost();
    const started = performance.now();
    await side.driver.run(request.count, true);
    const seconds = (performance.now() - started) / 1000;
    const cost = stopCost(1);
    side.measured += request.count;
    return { seconds, cpuMs: cost.cpuMsPerProcess, writtenKB: cost.writtenKBPerProcess } satisfies ChunkCost;
  }
  const { input, database, driver, measured, baseRssMB, heapBefore } = side;
  try {
    // Memory first, with the engine still open: what it keeps alive is the point.
    const memory = { peakRssMB: peakRssMB(), baseRssMB, heapAfterGcMB: { before: heapBefore, after: heapAfterGcMB() } };
    await driver.close();
    return { totals: driver.totals(), measured, ...memory, rows: await fingerprint(input.db, database.url, measured + input.warmup) } satisfies SideEnd;
  } finally {
    await database.drop();
  }
});
