import { readFileSync } from 'node:fs';

/** What one throughput run reports, for Flowlane and for the floor alike. */
export interface RunResult {
  who: 'flowlane' | 'floor';
  db: 'sqlite' | 'postgres';
  flow: 'hello' | 'splitjoin';
  n: number;
  concurrency: number;
  seconds: number;
  processesPerSecond: number;
  tasksPerSecond: number;
  /** Per process, averaged over the n measured processes. */
  perProcess: {
    data: number;
    control: number;
    select: number;
    insert: number;
    update: number;
    delete: number;
    transactions: number;
  };
  /** CPU time of this Node process per process driven, ms (user + system): less
   * sensitive than wall time to other load on the machine. */
  cpuMsPerProcess: number;
  /** Bytes this Node process handed to write() per process driven, KB (Linux
   * /proc/self/io wchar): SQLite's WAL and checkpoint writes. */
  writtenKBPerProcess: number | null;
  /** Peak resident set of the process that ran it, in MB (includes the Node/tsx baseline). */
  peakRssMB: number;
  /** Resident set after warm-up, before the measured run: peak minus this is what the run added. */
  baseRssMB: number;
  /** JS heap in use, MB: before the measured run (as it was, no GC forced)
   * and after it, after a full GC: what the run keeps alive (a leak grows
   * it with N; RSS also holds SQLite's page cache, which fills up to its
   * size as the file grows). */
  heapAfterGcMB: { before: number; after: number };
  /** The rows the run left, per process (see fingerprint.ts). */
  rows?: Record<string, number>;
}

/** Statements and transactions of the measured processes, in total. */
export type Totals = RunResult['perProcess'];

export const zeroTotals = (): Totals => ({ data: 0, control: 0, select: 0, insert: 0, update: 0, delete: 0, transactions: 0 });

export interface DriverOptions {
  url: string;
  db: RunResult['db'];
  flow: RunResult['flow'];
  concurrency: number;
}

/** One side of a comparison (Flowlane or the floor), driven a chunk at a time. */
export interface Driver {
  /** Runs `count` more processes; only `measured` ones count in `totals`. */
  run(count: number, measured: boolean): Promise<void>;
  totals(): Totals;
  /** Checks what the runs left where it can, and lets go of the database. */
  close(): Promise<void>;
}

const BEGIN = /^\s*(begin|start transaction)\b/i;

/** Counts transactions on top of the engine's StatementCounter (which only splits data and control). */
export function countTransactions(counter: { note(sql: string): void }): { readonly count: number } {
  const state = { count: 0 };
  const note = counter.note.bind(counter);
  counter.note = (sql: string) => {
    if (BEGIN.test(sql)) state.count++;
    note(sql);
  };
  return state;
}

/** Bytes written so far by this process (Linux), or null elsewhere. */
export function writtenBytes(): number | null {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    const m = /^wchar:\s*(\d+)/m.exec(io);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Starts measuring CPU time and bytes written; the returned function gives both per `n`. */
export function startCost(): (n: number) => { cpuMsPerProcess: number; writtenKBPerProcess: number | null } {
  const cpu = process.cpuUsage();
  const written = writtenBytes();
  return (n) => {
    const used = process.cpuUsage(cpu);
    const now = writtenBytes();
    return {
      cpuMsPerProcess: (used.user + used.system) / 1000 / n,
      writtenKBPerProcess: written === null || now === null ? null : (now - written) / 1024 / n,
    };
  };
}

export const rssMB = () => process.memoryUsage.rss() / 2 ** 20;

/** JS heap in use after a full collection (needs --expose-gc), MB. */
export function heapAfterGcMB(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
export const peakRssMB = () => process.resourceUsage().maxRSS / 1024;

/** Runs `count` jobs with at most `concurrency` in flight. */
export async function runPool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
