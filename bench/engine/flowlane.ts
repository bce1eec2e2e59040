/**
 * Drives Flowlane the way an application does: `engine.start()` then
 * `engine.runHandle()` for each Handle task. The Handle task ids come from
 * the `task.created` event, so no read-API query is counted as flow cost.
 */
import { createEngine } from '../../src/index.ts';
import { FLOWS, type FlowName } from '../flows.ts';
import { countTransactions, heapAfterGcMB, peakRssMB, rssMB, runPool, startCost, type RunResult } from './measure.ts';

export interface FlowlaneRun {
  url: string;
  db: RunResult['db'];
  flow: FlowName;
  n: number;
  warmup: number;
  concurrency: number;
}

export async function runFlowlane(options: FlowlaneRun): Promise<RunResult> {
  const { cls, tasks } = FLOWS[options.flow];
  // As many pooled connections as processes driven at once: the floor has as many clients.
  const engine = await createEngine({ database: options.url, flows: [cls], settings: { poolSize: Math.max(options.concurrency, 1) } });
  try {
    const handles = new Map<number, number[]>();
    engine.on('task.created', ({ task }) => {
      if (task.taskType !== 'HANDLE') return;
      const list = handles.get(task.processId);
      if (list) list.push(task.id);
      else handles.set(task.processId, [task.id]);
    });
    const one = async () => {
      const process = await engine.start(cls, 'start');
      const ids = handles.get(process.id) ?? [];
      handles.delete(process.id);
      for (const id of ids) await engine.runHandle(id);
    };
    await runPool(options.warmup, options.concurrency, one);
    // No forced GC here: a full collection right before the measured run
    // slows the run after it (measured: 3,366 -> 2,006 processes/s at N = 1,000).
    const heapBefore = process.memoryUsage().heapUsed / 2 ** 20;
    const baseRssMB = rssMB();
    const transactions = countTransactions(engine.database.statements);
    const before = transactions.count;
    let seconds = 0;
    const stopCost = startCost();
    const counts = await engine.database.statements.measure(async () => {
      const started = performance.now();
      await runPool(options.n, options.concurrency, one);
      seconds = (performance.now() - started) / 1000;
    });
    const cost = stopCost(options.n);
    await checkAllDone(engine.database.db, options.n + options.warmup);
    const per = (v: number) => v / options.n;
    return {
      who: 'flowlane',
      db: options.db,
      flow: options.flow,
      n: options.n,
      concurrency: options.concurrency,
      seconds,
      processesPerSecond: options.n / seconds,
      tasksPerSecond: (options.n * tasks) / seconds,
      perProcess: {
        data: per(counts.data),
        control: per(counts.control),
        select: per(counts.select),
        insert: per(counts.insert),
        update: per(counts.update),
        delete: per(counts.delete),
        transactions: per(transactions.count - before),
      },
      ...cost,
      peakRssMB: peakRssMB(),
      baseRssMB,
      heapAfterGcMB: { before: heapBefore, after: heapAfterGcMB() },
    };
  } finally {
    await engine.close();
  }
}

/** A run that left processes unfinished measured something else: refuse it. */
async function checkAllDone(db: Awaited<ReturnType<typeof createEngine>>['database']['db'], expected: number): Promise<void> {
  const row = await db
    .selectFrom('flowlane_process')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'DONE')
    .executeTakeFirstOrThrow();
  if (Number(row.n) !== expected) throw new Error(`expected ${expected} finished processes, found ${row.n}`);
}
