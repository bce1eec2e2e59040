/**
 * The reads the web app makes, against the loaded data: inbox, queue and
 * archive over every flow, a flow's dashboard and process list, and a
 * process's detail page (process, tasks with links, the actions on its
 * active tasks). Each read is the web layer's own function, timed end to
 * end (all its statements), for random users and processes.
 */
import { openDatabase, createEngine, type FlowUser } from '../../src/index.ts';
import { inbox, queue, archive, dashboard, processes, inboxCount, queueCount } from '../../src/web/queries.ts';
import { percentile, median } from '../stats.ts';
import { SCALE_FLOWS, flowLabel, teamOf, FLOW_COUNT } from './flows.ts';
import { random } from './generate.ts';
import { Recorder, explain, type Plan } from './plans.ts';

export interface ReadResult {
  name: string;
  what: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
  /** Rows the first page showed (median), to show the read did real work. */
  rows: number;
  statements: number;
  /** PostgreSQL: the server's own execution time of the read's statements
   * (EXPLAIN ANALYZE, one sample), to tell database work from the rest. */
  serverMs: number | null;
  plans: Plan[];
}

/** User i may review in two flows and belongs to one approving team. */
export function scaleUser(id: number): FlowUser {
  const a = id % FLOW_COUNT;
  const b = (id * 7 + 3) % FLOW_COUNT;
  return {
    id,
    username: `user${id}`,
    isSuperuser: false,
    permissions: new Set([`${flowLabel(a)}.can_review`, `${flowLabel(b)}.can_review`, ...SCALE_FLOWS.map((_, i) => `${flowLabel(i)}.view`)]),
    groups: new Set([teamOf(id % FLOW_COUNT)]),
  };
}

export async function runReads(kind: 'sqlite' | 'postgres', url: string, users: number, processCount: number, samples: number): Promise<ReadResult[]> {
  const open = await openDatabase(url);
  const recorder = new Recorder();
  const db = open.db.withPlugin(recorder);
  const engine = await createEngine({ database: { ...open, db }, flows: SCALE_FLOWS, migrate: false });
  const flows = engine.flows;
  const rnd = random(7);
  const pick = (n: number) => 1 + Math.floor(rnd() * n);
  const reads: Array<{ name: string; what: string; run: () => Promise<number> }> = [
    { name: 'inbox', what: 'inbox, every flow, page 1 (+ total)', run: async () => (await inbox(db, flows, scaleUser(pick(users)))).rows.length },
    { name: 'queue', what: 'queue, every flow, page 1 (+ total)', run: async () => (await queue(db, flows, scaleUser(pick(users)))).rows.length },
    { name: 'archive', what: 'archive, every flow, page 1 (+ total)', run: async () => (await archive(db, flows, scaleUser(pick(users)))).rows.length },
    {
      name: 'nav',
      what: "every page's navigation: the inbox count and the queue's capped count",
      run: async () => {
        const user = scaleUser(pick(users));
        const [inboxTotal, queueTotal] = await Promise.all([inboxCount(db, flows, user), queueCount(db, flows, user)]);
        return inboxTotal + queueTotal.count;
      },
    },
    {
      name: 'dashboard',
      what: "a flow's dashboard: processes by status, active tasks by node, tasks in work",
      run: async () => {
        const d = await dashboard(db, flows[pick(FLOW_COUNT) - 1]!);
        return d.activeTasks.length + d.working.length;
      },
    },
    { name: 'processes', what: "a flow's process list, page 1 (+ total)", run: async () => (await processes(db, flows[pick(FLOW_COUNT) - 1]!, {})).rows.length },
    {
      name: 'process',
      what: 'process detail: getProcess, getTasks (the process again, then its tasks with their links), actions on its active tasks',
      run: async () => {
        const id = await processId(pick(processCount));
        await engine.getProcess(id);
        const tasks = await engine.getTasks(id);
        const user = scaleUser(pick(users));
        for (const task of tasks.filter((t) => ['NEW', 'ASSIGNED', 'STARTED'].includes(t.status))) await engine.available(task.id, user);
        return tasks.length;
      },
    },
  ];
  // Process ids follow the generator: process k is the first id of its rows.
  const firstIds = await open.db.selectFrom('flowlane_process').select('id').orderBy('id').execute();
  const processId = async (k: number) => Number(firstIds[k - 1]!.id);
  const taskRows = Number((await open.db.selectFrom('flowlane_task').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  try {
    for (const read of reads) for (let i = 0; i < 5; i++) await read.run(); // warm caches and JIT
    const times = new Map(reads.map((r) => [r.name, [] as number[]]));
    const rows = new Map(reads.map((r) => [r.name, [] as number[]]));
    for (let i = 0; i < samples; i++) {
      for (const read of reads) {
        const started = performance.now();
        const count = await read.run();
        times.get(read.name)!.push(performance.now() - started);
        rows.get(read.name)!.push(count);
      }
    }
    const results: ReadResult[] = [];
    for (const read of reads) {
      recorder.nodes = [];
      recorder.on = true;
      const before = open.statements.counts.data;
      await read.run();
      const statements = open.statements.counts.data - before;
      recorder.on = false;
      const t = times.get(read.name)!;
      const plans = await explain(kind, open.db, recorder.nodes, taskRows);
      results.push({
        name: read.name,
        what: read.what,
        samples,
        p50: percentile(t, 50),
        p95: percentile(t, 95),
        max: Math.max(...t),
        rows: median(rows.get(read.name)!),
        statements,
        serverMs: kind === 'postgres' ? plans.reduce((sum, p) => sum + Number(/Execution Time: ([\d.]+) ms/.exec(p.plan)?.[1] ?? 0), 0) : null,
        plans,
      });
    }
    return results;
  } finally {
    await engine.close();
    await open.close();
  }
}
