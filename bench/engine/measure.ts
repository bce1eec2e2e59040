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
  /** Peak resident set of the process that ran it, in MB (includes the Node/tsx baseline). */
  peakRssMB: number;
  /** Resident set after warm-up, before the measured run: peak minus this is what the run added. */
  baseRssMB: number;
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

export const rssMB = () => process.memoryUsage.rss() / 2 ** 20;
export const peakRssMB = () => process.resourceUsage().maxRSS / 1024;

/** Runs `count` jobs with at most `concurrency` in flight. */
export async function runPool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
