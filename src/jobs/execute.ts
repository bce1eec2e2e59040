/**
 * One delivery of a job. Claim the task in a short step (NEW/SCHEDULED →
 * STARTED, compare-and-set, so two deliveries at once run it once); run the
 * handler outside the flow's lock and any transaction, renewing a lease on
 * the task; then complete it, schedule a retry, or leave it in ERROR, each
 * in a background step of its own. A delivery for a task that is not
 * waiting (done, canceled, running elsewhere) is logged and ignored.
 */
import type { Kysely } from 'kysely';
import { ConcurrentUpdateError, NotFoundError } from '../errors.ts';
import { done } from '../engine/kinds.ts';
import type { Engine } from '../engine/engine.ts';
import type { ProcessState, TaskState } from '../engine/model.ts';
import type { FlowSpec } from '../flow/build.ts';
import type { Database } from '../store/schema.ts';
import { JobNode } from './nodes.ts';
import { renewLease } from './queries.ts';
import { backgroundStep } from './background-step.ts';
import type { QueuedJob, WorkerLogger } from './runner.ts';

/** What a job handler receives. It runs outside any transaction: changes to
 * `process.data` are saved when the job completes (changed top-level keys
 * are merged into the process data under the flow's lock). */
export interface JobActivation<D = any> {
  readonly engine: Engine;
  readonly flow: FlowSpec;
  readonly process: ProcessState<D>;
  /** The task; its id is the job's idempotency key for outside systems. */
  readonly task: TaskState;
  readonly node: JobNode;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  /** The database, outside any transaction. */
  readonly db: Kysely<Database>;
}

/** Run counters kept in the task's data (`data.job`). */
interface JobCounters {
  /** Runs started, including ones whose worker stopped mid-run. */
  runs: number;
  /** Runs whose handler threw. */
  failures: number;
  lastError?: { message: string; at: number };
}

export function countersOf(data: Record<string, unknown>): JobCounters {
  const job = (data.job ?? {}) as Partial<JobCounters>;
  return { ...job, runs: job.runs ?? 0, failures: job.failures ?? 0 };
}

/** The hand-off key of a waiting task: a new one after every run, so a
 * queue never drops a retry as a duplicate of the run before it. */
export function jobKey(taskId: number, runs: number): string {
  return `${taskId}-${runs}`;
}

export interface ExecuteContext {
  engine: Engine;
  leaseMs: number;
  /** Times a worker may stop mid-run before the task goes to ERROR. */
  maxStalls: number;
  log: WorkerLogger;
  requeue(jobs: QueuedJob[]): Promise<void>;
}

interface Claim {
  activation: JobActivation;
  lease: number;
}

const describe = (task: Pick<TaskState, 'id' | 'node'>) => `job task ${task.id} (${task.node})`;

export async function deliver(ctx: ExecuteContext, job: QueuedJob): Promise<void> {
  const claim = await claimJob(ctx, job);
  if (!claim) return;
  const { activation } = claim;
  const before = JSON.stringify(activation.process.data);
  const lease = keepLease(ctx, activation.task.id, claim.lease);
  let failure: { error: unknown } | undefined;
  try {
    await activation.flow.call(activation.node.handler, activation);
  } catch (error) {
    failure = { error };
  }
  const held = await lease.stop();
  if (!failure) {
    try {
      await complete(ctx, activation, held, JSON.parse(before) as Record<string, unknown>);
      return;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) {
        ctx.log.info(`${describe(activation.task)}: changed by another step while completing; result dropped`);
        return;
      }
      failure = { error };
    }
  }
  await fail(ctx, activation, held, failure.error);
}

async function claimJob(ctx: ExecuteContext, job: QueuedJob): Promise<Claim | undefined> {
  try {
    return await backgroundStep(ctx.engine, job.taskId, async ({ step, process, task }) => {
      if (task.status !== 'NEW' && task.status !== 'SCHEDULED') {
        ctx.log.info(`${describe(task)} is ${task.status}; delivery ${job.key} ignored`);
        return undefined;
      }
      const counters = countersOf(task.data);
      // A copy handed off before an earlier run (a sweep racing a retry's
      // hand-off) must not start the next run before its backoff is over.
      if (job.key !== jobKey(task.id, counters.runs)) {
        ctx.log.info(`${describe(task)} has run ${counters.runs} time(s) since delivery ${job.key} was handed off; ignored`);
        return undefined;
      }
      const flow = step.spec(process);
      const node = flow.node(task.node);
      if (!(node instanceof JobNode)) {
        ctx.log.warn(`${describe(task)}: flow ${flow.label} has no Job node "${task.node}" any more; not run`);
        return undefined;
      }
      task.status = 'STARTED';
      task.started = step.now;
      task.scheduled = step.now + ctx.leaseMs;
      task.data = { ...task.data, job: { ...counters, runs: counters.runs + 1 } };
      step.emitTask('task.started', task);
      const activation: JobActivation = {
        engine: ctx.engine,
        flow,
        node,
        process: structuredClone(process),
        task: structuredClone(task),
        attempt: counters.runs + 1,
        db: ctx.engine.database.db,
      };
      return { activation, lease: task.scheduled };
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError || error instanceof NotFoundError) {
      ctx.log.info(`job task ${job.taskId}: ${error.message}; delivery ${job.key} ignored`);
      return undefined;
    }
    throw error;
  }
}

/** Renews the task's lease while the handler runs, so no sweep takes the
 * task over from a live worker. `stop` returns the lease last written. */
function keepLease(ctx: ExecuteContext, taskId: number, first: number) {
  let held = first;
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    const next = ctx.engine.now() + ctx.leaseMs;
    try {
      if (await renewLease(ctx.engine.database.db, taskId, held, next)) held = next;
      else return ctx.log.warn(`job task ${taskId}: lease lost (taken over or canceled); this run's result will be dropped`);
    } catch (error) {
      ctx.log.warn(`job task ${taskId}: renewing the lease failed; retrying`, error);
    }
    timer = setTimeout(tick, ctx.leaseMs / 3);
  };
  const tick = () => {
    renewing = renew();
  };
  timer = setTimeout(tick, ctx.leaseMs / 3);
  return {
    async stop(): Promise<number> {
      clearTimeout(timer);
      await renewing;
      clearTimeout(timer);
      return held;
    },
  };
}

const holds = (task: TaskState, lease: number) => task.status === 'STARTED' && task.scheduled === lease;

async function complete(ctx: ExecuteContext, activation: JobActivation, lease: number, before: Record<string, unknown>): Promise<void> {
  await backgroundStep(ctx.engine, activation.task.id, async ({ step, process, task }) => {
    if (!holds(task, lease)) {
      ctx.log.info(`${describe(task)} is ${task.status} (no longer held by this run); result dropped`);
      return;
    }
    const after = activation.process.data as Record<string, unknown>;
    for (const key of Object.keys(after)) {
      if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) (process.data as Record<string, unknown>)[key] = after[key];
    }
    task.scheduled = null;
    await done(step, task);
  });
}

async function fail(ctx: ExecuteContext, activation: JobActivation, lease: number, error: unknown): Promise<void> {
  const err = error instanceof Error ? error : new Error(String(error));
  const retry = await backgroundStep(ctx.engine, activation.task.id, async ({ step, task }) => {
    if (!holds(task, lease)) {
      ctx.log.info(`${describe(task)} is ${task.status} (no longer held by this run); failure dropped: ${err.message}`);
      return undefined;
    }
    const counters = countersOf(task.data);
    const failures = counters.failures + 1;
    const attempts = activation.node.attempts;
    if (failures >= attempts) {
      task.scheduled = null;
      task.data = { ...task.data, job: { ...counters, failures } };
      ctx.log.warn(`${describe(task)} failed (${failures}/${attempts}), left in ERROR: ${err.message}`);
      step.fail(task, err);
      return undefined;
    }
    const delay = activation.node.retryDelay(failures);
    task.status = 'SCHEDULED';
    task.scheduled = step.now + delay;
    task.data = { ...task.data, job: { ...counters, failures, lastError: { message: err.message, at: step.now } } };
    ctx.log.warn(`${describe(task)} failed (${failures}/${attempts}), retrying in ${delay} ms: ${err.message}`);
    return { taskId: task.id, key: jobKey(task.id, counters.runs), delay };
  });
  if (retry) await ctx.requeue([retry]);
}

/**
 * Takes a job back from a worker that stopped mid-run (its lease ran out):
 * the task waits again, or goes to ERROR when its workers stopped more than
 * `maxStalls` times (a job that kills its worker must not loop forever).
 * Returns the job to hand off, if any.
 */
export async function release(ctx: ExecuteContext, taskId: number): Promise<QueuedJob | undefined> {
  return backgroundStep(ctx.engine, taskId, async ({ step, task }) => {
    if (task.status !== 'STARTED' || task.scheduled === null || task.scheduled > step.now) return undefined;
    const counters = countersOf(task.data);
    const stalls = counters.runs - counters.failures;
    if (stalls > ctx.maxStalls) {
      task.scheduled = null;
      step.fail(task, new Error(`the worker running this job stopped ${stalls} times before it finished (lease expired); not run again`));
      ctx.log.warn(`${describe(task)}: its worker stopped ${stalls} times; left in ERROR`);
      return undefined;
    }
    task.status = 'SCHEDULED';
    task.scheduled = step.now;
    ctx.log.warn(`${describe(task)}: the worker running attempt ${counters.runs} stopped (lease expired); queued again`);
    return { taskId: task.id, key: jobKey(task.id, counters.runs), delay: 0 };
  });
}
