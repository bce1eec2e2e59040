/**
 * Run-time behaviour of jobs, timers and timed starts, registered with the
 * engine's kind table; and due times for human tasks with `.OnTimeout`.
 * Reaching one of these only records what is due; a worker does the rest.
 */
import { behaviourOf, registerKind } from '../engine/kinds.ts';
import { flowRuntimeError, type Arrival, type Step } from '../engine/step.ts';
import type { TaskState } from '../engine/model.ts';
import type { DueSpec } from '../flow/duration.ts';
import type { ViewNode } from '../flow/nodes.ts';
import type { TimerNode } from './nodes.ts';
import './subprocess.ts';

/** The due time of a timer reached now: after a duration, or a Date from the flow's code. */
async function dueAt(step: Step, arrival: Arrival, task: TaskState, delay: DueSpec): Promise<number> {
  if (typeof delay === 'number') return step.now + delay;
  const at = await arrival.spec.call(delay, step.activation(arrival.process, task));
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw flowRuntimeError(arrival.spec, arrival.node, `the due-time function returned ${String(at)}, not a Date`);
  }
  return at.getTime();
}

registerKind('job', {
  // NEW with `scheduled` = now: waiting for a worker since then. A revived
  // task's data comes from the failed one; its run counters start afresh.
  reach: async (step, arrival) => {
    const { job: _counters, ...data } = arrival.data ?? {};
    await step.createTask(arrival, { scheduled: step.now, data });
  },
  // A running job may be canceled: its handler finishes, its result is dropped.
  cancelFrom: ['NEW', 'SCHEDULED', 'STARTED'],
  undoable: true,
  revivable: true,
});

registerKind('timer', {
  reach: async (step, arrival) => {
    const task = await step.createTask(arrival, { status: 'SCHEDULED' });
    await step.guard(task, async () => {
      task.scheduled = await dueAt(step, arrival, task, (arrival.node as TimerNode).delay);
    });
  },
  cancelFrom: ['SCHEDULED'],
  undoable: true,
  revivable: true,
});

registerKind('startTimer', {
  reach: async (_step, arrival) => {
    throw flowRuntimeError(arrival.spec, arrival.node, 'a StartTimer starts processes on its schedule and cannot be reached');
  },
  cancelFrom: [],
  undoable: false,
  revivable: false,
});

// A human task with `.OnTimeout` keeps its due time in `scheduled`.
const view = behaviourOf('view');
if (!view) throw new Error('flowlane: the engine registers the view kind before jobs extend it');
registerKind('view', {
  ...view,
  reach: async (step, arrival) => {
    const delay = (arrival.node as ViewNode).timeoutDelay;
    if (delay === undefined) return view.reach(step, arrival);
    const before = new Set(step.tasks.keys());
    await view.reach(step, arrival);
    for (const task of step.tasks.values()) {
      if (before.has(task.id) || task.node !== arrival.node.name) continue;
      await step.guard(task, async () => {
        task.scheduled = await dueAt(step, arrival, task, delay);
      });
    }
  },
});
