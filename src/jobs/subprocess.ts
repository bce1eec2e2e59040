/**
 * Subprocesses. Reaching the node starts the child processes in the same
 * step (so parent task and children commit together); a child that
 * finishes completes its parent task in a new step after its own has
 * committed and released its lock (never nested: lock order is parent,
 * then child). Canceling the parent task cancels its running children.
 */
import type { Kysely } from 'kysely';
import { TransitionError } from '../errors.ts';
import { canCancel, cancelTask, done, registerKind } from '../engine/kinds.ts';
import { flowRuntimeError, type Arrival, type Step } from '../engine/step.ts';
import { onEngineCreated, type Engine } from '../engine/engine.ts';
import type { ProcessInfo, ProcessState, TaskState } from '../engine/model.ts';
import type { Activation } from '../engine/activation.ts';
import type { FlowSpec } from '../flow/build.ts';
import { defaultLabel } from '../flow/flow.ts';
import type { StartHandleNode } from '../flow/nodes.ts';
import type { Database } from '../store/schema.ts';
import { processFromRow, taskFromRow } from '../store/repository.ts';
import { NSubprocessNode, SubprocessNode } from './nodes.ts';
import { childProcesses } from './queries.ts';
import { backgroundStep } from './background-step.ts';

function childFlow(step: Step, arrival: Arrival): FlowSpec {
  const node = arrival.node as SubprocessNode;
  const cls = node.flowClass;
  let spec: FlowSpec | undefined;
  try {
    spec = step.deps.flowByLabel(cls.label ?? defaultLabel(cls.name));
  } catch {
    spec = undefined;
  }
  if (!spec || spec.cls !== cls) {
    throw flowRuntimeError(arrival.spec, node, `flow ${cls.name} is not registered with this engine; add it to the engine's flows`);
  }
  const start = spec.nodes.get(node.startNode);
  if (start?.kind !== 'startHandle') {
    throw flowRuntimeError(arrival.spec, node, `flow ${cls.name} has no StartHandle node "${node.startNode}" to begin a subprocess with`);
  }
  return spec;
}

/** Begins one child: its process (parent_task_id = the parent task) and its start task. */
async function startChild(step: Step, spec: FlowSpec, node: SubprocessNode, parent: Activation, item: unknown[]): Promise<void> {
  const data = node.data ? await parent.flow.call(node.data, parent, ...item) : {};
  const process = await step.newProcess(spec, data, parent.task.id);
  step.emit('process.started', { flow: spec.label, process: { ...process } });
  const start = spec.nodes.get(node.startNode) as StartHandleNode;
  const task = await step.createTask({ spec, process, node: start, token: 'start', previous: [] });
  if (start.handler) await spec.call(start.handler, step.activation(process, task), parent, ...item);
  await done(step, task);
}

async function reachSubprocess(step: Step, arrival: Arrival): Promise<void> {
  const task = await step.createTask(arrival, { status: 'STARTED', started: step.now });
  await step.guard(task, async () => {
    const spec = childFlow(step, arrival);
    const parent = step.activation(arrival.process, task);
    const node = arrival.node as SubprocessNode;
    if (!(node instanceof NSubprocessNode)) return startChild(step, spec, node, parent, []);
    const items = await arrival.spec.call(node.items, parent);
    if (!Array.isArray(items)) throw flowRuntimeError(arrival.spec, node, 'items must be an array');
    for (const item of items) await startChild(step, spec, node, parent, [item]);
    if (items.length === 0) await done(step, task);
  });
}

/** Cancels the running children of a parent task in the parent's step: all
 * of their active tasks, or nothing when one of them cannot be canceled. */
async function cancelChildren(step: Step, task: TaskState): Promise<void> {
  for (const child of await childProcesses(step.trx, task.id)) {
    if (child.status !== 'NEW') continue;
    const process = step.processes.get(child.id) ?? (await step.load({ processId: child.id }, 'forUpdate'));
    const spec = step.spec(process);
    const active = step.activeTasks(process.id);
    const blocking = active.filter((t) => !canCancel(spec.node(t.node), t.status));
    if (blocking.length) {
      throw new TransitionError(
        `Cannot cancel task ${task.id}: its subprocess ${process.id} has ${blocking.map((t) => `task ${t.id} (${t.node}) ${t.status}`).join(', ')}, which cannot be canceled; nothing was canceled`,
        task.id,
        'cancel',
        task.status,
      );
    }
    for (const t of active) await cancelTask(step, t);
    process.status = 'CANCELED';
    process.finished = step.now;
    step.emit('process.canceled', { flow: process.flow, process: { ...process } });
  }
}

for (const kind of ['subprocess', 'nsubprocess']) {
  registerKind(kind, { reach: reachSubprocess, onCancel: cancelChildren, cancelFrom: ['STARTED'], undoable: false, revivable: true });
}

/**
 * Completes a parent task whose children have all finished (DONE), or puts
 * it in ERROR when one of them was canceled on its own (a manager revives or
 * cancels it). Does nothing while a child runs or when the task moved on.
 */
export async function settleParent(engine: Engine, taskId: number): Promise<void> {
  await backgroundStep(engine, taskId, async ({ step, process, task }) => {
    if (task.status !== 'STARTED' || process.status !== 'NEW') return;
    if (!(step.spec(process).node(task.node) instanceof SubprocessNode)) return;
    const children = await childProcesses(step.trx, task.id);
    if (children.some((c) => c.status === 'NEW')) return;
    const canceled = children.filter((c) => c.status === 'CANCELED').map((c) => c.id);
    if (canceled.length) step.fail(task, new Error(`subprocess ${canceled.join(', ')} was canceled`));
    else await done(step, task);
  });
}

/** Settles parents whose children finished or were canceled in `step`. */
async function settleAfter(engine: Engine, step: Step): Promise<void> {
  const parents = new Set<number>();
  for (const event of step.events) {
    if (event.name !== 'process.finished' && event.name !== 'process.canceled') continue;
    const parentTaskId = event.payload.process.parentTaskId;
    // A parent canceled in this very step (the cascade) needs nothing more.
    if (parentTaskId != null && (step.tasks.get(parentTaskId)?.status ?? 'STARTED') === 'STARTED') parents.add(parentTaskId);
  }
  for (const id of parents) {
    try {
      await settleParent(engine, id);
    } catch (error) {
      // A worker's sweep settles what was missed.
      engine.logger.warn(`flowlane: completing subprocess task ${id} failed; a worker's sweep retries it:`, error);
    }
  }
}

onEngineCreated((engine) => {
  engine.onCommitted((step) => settleAfter(engine, step));
});

/** The task that started this process as a subprocess, and its process; undefined for a top-level process. */
export async function parentOf<D = Record<string, unknown>>(activation: {
  process: ProcessState<any>;
  db: Kysely<Database>;
}): Promise<{ process: ProcessInfo<D>; task: TaskState } | undefined> {
  const taskId = activation.process.parentTaskId;
  if (taskId == null) return undefined;
  const taskRow = await activation.db.selectFrom('flowlane_task').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!taskRow) return undefined;
  const processRow = await activation.db.selectFrom('flowlane_process').selectAll().where('id', '=', taskRow.process_id).executeTakeFirstOrThrow();
  return { process: processFromRow<D>(processRow), task: taskFromRow(taskRow) };
}
