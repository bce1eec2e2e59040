/**
 * The sweep: work that would otherwise be lost. Jobs committed but never
 * handed off (a crash in between, a process without a queue), jobs whose
 * worker stopped mid-run (lease run out), subprocess tasks whose children
 * all finished but were never settled; and a warning for due timers and
 * jobs of nodes the flow no longer has.
 */
import { ConcurrentUpdateError } from '../errors.ts';
import type { Engine } from '../engine/engine.ts';
import { countersOf, jobKey, release, type ExecuteContext } from './execute.ts';
import { JobNode, SubprocessNode } from './nodes.ts';
import { jobsNeedingWorker, settledSubprocessTasks, strayDueTasks, type WaitingJob } from './queries.ts';
import type { JobQueue, QueuedJob } from './runner.ts';
import { settleParent } from './subprocess.ts';
import { timedNodes } from './timers.ts';

/** Rows looked at per query. */
const BATCH = 500;

function nodeNames(engine: Engine, is: (node: unknown) => boolean): string[] {
  return engine.flows.flatMap((spec) => [...spec.nodes.values()].filter(is).map((node) => `${spec.label}.${node.name}`));
}

export function sweeper(ctx: ExecuteContext, queue: JobQueue): () => Promise<void> {
  const { engine, log } = ctx;
  const jobNodes = nodeNames(engine, (n) => n instanceof JobNode);
  const subprocessNodes = nodeNames(engine, (n) => n instanceof SubprocessNode);
  const known = [...jobNodes, ...timedNodes(engine)];
  const labels = engine.flows.map((f) => f.label);
  const warned = new Set<number>();

  /** Every job that needs a worker, a page at a time, so a job lost behind
   * a long backlog is found on this sweep, not after the backlog. */
  const handOffJobs = async (now: number) => {
    let page: WaitingJob[] = [];
    do {
      page = await jobsNeedingWorker(engine.database.db, jobNodes, now, BATCH, page.at(-1));
      const jobs: QueuedJob[] = [];
      for (const row of page) {
        if (row.status !== 'STARTED') {
          jobs.push({ taskId: row.id, key: jobKey(row.id, countersOf(row.data).runs), delay: 0 });
          continue;
        }
        try {
          const job = await release(ctx, row.id);
          if (job) jobs.push(job);
        } catch (error) {
          if (!(error instanceof ConcurrentUpdateError)) log.error(`flowlane: taking back job task ${row.id} failed`, error);
        }
      }
      await queue.add(jobs);
    } while (page.length === BATCH);
  };

  return async () => {
    const db = engine.database.db;
    const now = engine.now();
    await handOffJobs(now);
    for (const id of await settledSubprocessTasks(db, subprocessNodes, BATCH)) {
      await settleParent(engine, id).catch((error) => {
        if (!(error instanceof ConcurrentUpdateError)) log.error(`flowlane: completing subprocess task ${id} failed`, error);
      });
    }
    for (const stray of await strayDueTasks(db, labels, known, now, BATCH)) {
      if (warned.has(stray.id) || !labels.includes(stray.flowTask.slice(0, stray.flowTask.indexOf('.')))) continue;
      warned.add(stray.id);
      log.warn(`flowlane: task ${stray.id} (${stray.flowTask}) is due, but its flow has no such timer or job node any more; skipped`);
    }
  };
}
