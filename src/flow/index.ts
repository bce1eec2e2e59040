/**
 * The node factories a flow class uses: `flow.View(...)`, `flow.If(...)`, …
 */
import {
  EndNode,
  FunctionNode,
  HandleNode,
  IfNode,
  JoinNode,
  ObsoleteNode,
  SplitFirstNode,
  SplitNode,
  StartHandleNode,
  StartNode,
  SwitchNode,
  ViewNode,
  type Callable,
} from './nodes.ts';
import type { Delay } from './duration.ts';
import type { FlowClass } from './flow.ts';
// Node definitions only: jobs/nodes.ts imports nothing below the DSL.
import {
  JobNode,
  NSubprocessNode,
  StartTimerNode,
  SubprocessNode,
  TimerNode,
  type JobOptions,
  type NodeName,
  type SubprocessOptions,
} from '../jobs/nodes.ts';

export const flow = {
  /** Begun by a person through a view (the start form). */
  Start: (view?: unknown) => new StartNode(view),
  /** Begun from code: `engine.start(Flow, 'node', { data })`. */
  StartHandle: (handler?: Callable) => new StartHandleNode(handler),
  /** A human task. */
  View: (view?: unknown) => new ViewNode(view),
  /** Runs synchronously when reached. */
  Function: (handler: Callable) => new FunctionNode(handler),
  /** Waits until code runs it: `engine.runHandle(taskId, ...)`. */
  Handle: (handler?: Callable) => new HandleNode(handler),
  If: (condition: Callable) => new IfNode(condition),
  Switch: () => new SwitchNode(),
  Split: () => new SplitNode(),
  /** The first branch to finish cancels the others. */
  SplitFirst: () => new SplitFirstNode(),
  Join: (continueWhen?: Callable) => new JoinNode(continueWhen),
  End: () => new EndNode(),
  /** Runs `handler` in a background worker, outside the flow's lock (see docs/jobs.md). */
  Job: (handler: Callable, options?: JobOptions) => new JobNode(handler, options),
  /** Waits `delay` (ms, `'30s'`, `'2h'`, …) or until the Date a function of the activation returns. */
  Timer: (delay: Delay) => new TimerNode(delay),
  /** Starts a process every `every` (ms or `'15m'`, …), once per tick however many workers run. */
  StartTimer: (every: number | string, data?: (tick: Date) => Record<string, unknown>) => new StartTimerNode(every, data),
  /** Runs a process of another flow through its StartHandle `start`; done when the child finishes. */
  Subprocess: <F extends FlowClass>(child: F, start: NodeName<F>, options: SubprocessOptions = {}) =>
    new SubprocessNode(child, start, options.data),
  /** One child process per item; done when all of them finish. */
  NSubprocess: <F extends FlowClass>(child: F, start: NodeName<F>, items: Callable<any, unknown[] | Promise<unknown[]>>, options: SubprocessOptions = {}) =>
    new NSubprocessNode(child, start, items, options.data),
  Obsolete: () => new ObsoleteNode(),
};
