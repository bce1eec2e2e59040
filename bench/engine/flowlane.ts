/**
 * Drives Flowlane the way an application does: `engine.start()` then
 * `engine.runHandle()` for each Handle task. The Handle task ids come from
 * the `task.created` event, so no read-API query is counted as flow cost.
 */
import { createEngine } from '../../src/index.ts';
import { FLOWS } from '../flows.ts';
import { countTransactions, runPool, zeroTotals, type Driver, type DriverOptions } from './measure.ts';

export async function flowlaneDriver(options: DriverOptions): Promise<Driver> {
  const { cls } = FLOWS[options.flow];
  // As many pooled connections as processes driven at once: the floor has as many clients.
  const engine = await createEngine({ database: options.url, flows: [cls], settings: { poolSize: Math.max(options.concurrency, 1) } });
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
  const transactions = countTransactions(engine.database.statements);
  const totals = zeroTotals();
  let driven = 0;
  return {
    async run(count, measured) {
      const before = transactions.count;
      const counts = await engine.database.statements.measure(() => runPool(count, options.concurrency, one));
      driven += count;
      if (!measured) return;
      for (const key of ['data', 'control', 'select', 'insert', 'update', 'delete'] as const) totals[key] += counts[key];
      totals.transactions += transactions.count - before;
    },
    totals: () => totals,
    async close() {
      try {
        await checkAllDone(engine.database.db, driven);
      } finally {
        await engine.close();
      }
    },
  };
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
