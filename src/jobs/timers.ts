/**
 * Firing what is due: Timer tasks, human tasks past their `.OnTimeout`, and
 * StartTimer ticks. A worker claims due rows (see queries.ts), then fires
 * each in a background step that checks the row is still the one it
 * claimed, so with any number of workers each timer fires once, and a timer
 * of a canceled process (its task canceled) never does.
 */
import { ConcurrentUpdateError } from '../errors.ts';
import { cancelTask, done } from '../engine/kinds.ts';
import type { Engine } from '../engine/engine.ts';
import type { ProcessState, TaskState } from '../engine/model.ts';
import type { Step } from '../engine/step.ts';
import type { FlowSpec } from '../flow/build.ts';
import { ViewNode } from '../flow/nodes.ts';
import { StartTimerNode, TimerNode } from './nodes.ts';
import { addSchedule, claimDueTimers, moveSchedule, scheduleDue } from './queries.ts';
import { backgroundStep } from './background-step.ts';
import type { WorkerLogger } from './runner.ts';

/** Due rows claimed per query. */
const BATCH = 100;

export interface TimerContext {
  engine: Engine;
  leaseMs: number;
  log: WorkerLogger;
}

/** `<flow>.<node>` of every node whose tasks carry a timer. */
export function timedNodes(engine: Engine): string[] {
  const names: string[] = [];
  for (const spec of engine.flows) {
    for (const node of spec.nodes.values()) {
      if (node instanceof TimerNode || (node instanceof ViewNode && node.timeoutDelay !== undefined)) names.push(`${spec.label}.${node.name}`);
    }
  }
  return names;
}

/** Fires every due timer this worker can claim. */
export async function fireDueTimers(ctx: TimerContext, flowTasks: string[]): Promise<void> {
  const { engine } = ctx;
  for (;;) {
    const now = engine.now();
    const lease = now + ctx.leaseMs;
    const claimed = await claimDueTimers(engine.database.db, engine.database.dialect, flowTasks, now, lease, BATCH);
    for (const { id, due } of claimed) {
      try {
        await fire(engine, id, due, lease);
      } catch (error) {
        // Lost to a step that changed the task first (it was executed or canceled).
        if (error instanceof ConcurrentUpdateError) ctx.log.info(`timer of task ${id}: ${error.message}`);
        else ctx.log.error(`timer of task ${id} failed to fire; it fires again when its claim runs out`, error);
      }
    }
    if (claimed.length < BATCH) return;
  }
}

const OPEN = new Set(['NEW', 'ASSIGNED', 'STARTED']);

async function fire(engine: Engine, taskId: number, due: number, lease: number): Promise<void> {
  await backgroundStep(engine, taskId, async ({ step, process, task }) => {
    if (task.scheduled !== lease || process.status !== 'NEW') return;
    const node = step.spec(process).node(task.node);
    if (node instanceof TimerNode && task.status === 'SCHEDULED') {
      task.scheduled = due;
      await done(step, task);
    } else if (node instanceof ViewNode && node.timeoutDelay !== undefined && OPEN.has(task.status)) {
      await timeOut(step, process, task, node, due);
    }
  });
}

/** A human task's timeout: an interrupting one cancels the task, then the
 * `.OnTimeout` path starts from it with its token. */
async function timeOut(step: Step, process: ProcessState, task: TaskState, node: ViewNode, due: number): Promise<void> {
  const then = node.resolved.find((r) => r.edge.event === 'timeout')!.node;
  task.data = { ...task.data, timedOut: due };
  if (node.timeoutInterrupting) {
    task.scheduled = due;
    await cancelTask(step, task);
  } else {
    task.scheduled = null;
  }
  step.continueFrom(process, task, [then]);
}

/** The first tick after `now` of a timer every `every` ms, counted from the epoch. */
export function nextTick(now: number, every: number): number {
  return (Math.floor(now / every) + 1) * every;
}

interface StartTimer {
  spec: FlowSpec;
  node: StartTimerNode;
  name: string;
}

export function startTimers(engine: Engine): StartTimer[] {
  return engine.flows.flatMap((spec) =>
    [...spec.nodes.values()].filter((n): n is StartTimerNode => n instanceof StartTimerNode).map((node) => ({ spec, node, name: `${spec.label}.${node.name}` })),
  );
}

/**
 * Starts one process for each StartTimer whose tick is due. The due time
 * moves to the next tick after now in the same transaction that starts the
 * process, so each tick starts exactly one process however many workers
 * race for it, and a worker that was down for hours starts one, not one per
 * missed tick.
 */
export async function tickStartTimers(ctx: TimerContext, timers: StartTimer[]): Promise<void> {
  if (timers.length === 0) return;
  const { engine } = ctx;
  const db = engine.database.db;
  const due = await scheduleDue(db, timers.map((t) => t.name));
  for (const timer of timers) {
    const now = engine.now();
    const next = nextTick(now, timer.node.every);
    const at = due.get(timer.name);
    if (at === undefined) await addSchedule(db, engine.database.dialect, timer.name, next);
    // The interval was shortened since this due time was set.
    else if (at > next) await moveSchedule(db, timer.name, at, next);
    else if (at <= now) await startTick(ctx, timer, at, next);
  }
}

async function startTick(ctx: TimerContext, { spec, node, name }: StartTimer, due: number, next: number): Promise<void> {
  try {
    await ctx.engine.step({ spec }, { mode: 'background' }, async (step) => {
      if (!(await moveSchedule(step.trx, name, due, next))) return;
      const process = await step.newProcess(spec, node.data?.(new Date(due)) ?? {});
      step.emit('process.started', { flow: spec.label, process: { ...process } });
      const task = await step.createTask({ spec, process, node, token: 'start', previous: [] });
      await done(step, task);
    });
  } catch (error) {
    // Skip the tick rather than retry a failing start on every poll.
    ctx.log.error(`StartTimer ${name}: starting the process due ${new Date(due).toISOString()} failed; tick skipped`, error);
    await moveSchedule(ctx.engine.database.db, name, due, next);
  }
}
