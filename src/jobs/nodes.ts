/**
 * Nodes for background work: jobs, timers, timed starts and subprocesses.
 * Definitions only (this module sits in the DSL layer and imports nothing
 * below it); their run-time behaviour registers in jobs/kinds.ts.
 */
import { FlowDefinitionError } from '../errors.ts';
import { LinearNode, type Callable, type NodeKind, type Node } from '../flow/nodes.ts';
import { dueSpec, parseDuration, type Delay, type DueSpec } from '../flow/duration.ts';
import type { FlowClass } from '../flow/flow.ts';

export interface JobOptions {
  /** Runs of the handler in all, the first included (default 1: no retry). */
  attempts?: number;
  /** Wait before retry n (n = 1, 2, …): a base (ms or `'10s'`) that doubles
   * with each retry (default 1000 ms), or a function of n returning ms. */
  backoff?: number | string | ((retry: number) => number);
}

/** A task a worker runs outside the flow's lock; the flow goes on when the handler resolves. */
export class JobNode extends LinearNode {
  readonly kind = 'job';
  readonly taskType = 'JOB';
  readonly attempts: number;
  readonly backoff: number | ((retry: number) => number);

  constructor(
    readonly handler: Callable<any, unknown>,
    options: JobOptions = {},
  ) {
    super();
    this.attempts = options.attempts ?? 1;
    if (!Number.isInteger(this.attempts) || this.attempts < 1) {
      throw new FlowDefinitionError(`Job attempts must be an integer >= 1, got ${options.attempts}`);
    }
    this.backoff = typeof options.backoff === 'function' ? options.backoff : parseDuration(options.backoff ?? 1000);
  }

  /** Milliseconds to wait before retry `retry` (1-based). */
  retryDelay(retry: number): number {
    return typeof this.backoff === 'function' ? this.backoff(retry) : this.backoff * 2 ** (retry - 1);
  }
}

/** Waits, durably, until a due time: the task is SCHEDULED with `scheduled` set. */
export class TimerNode extends LinearNode {
  readonly kind = 'timer';
  readonly taskType = 'TIMER';
  readonly delay: DueSpec;

  constructor(delay: Delay) {
    super();
    this.delay = dueSpec(delay);
  }
}

/** Starts a process every `every` ms, at multiples of `every` since the epoch
 * (so every worker agrees on the ticks without talking to the others). */
export class StartTimerNode extends LinearNode {
  readonly kind = 'startTimer';
  readonly taskType = 'START';
  readonly every: number;

  constructor(
    every: number | string,
    /** The new process's data; gets the tick's due time. */
    readonly data?: (tick: Date) => Record<string, unknown>,
  ) {
    super();
    this.every = parseDuration(every);
    if (this.every < 1) throw new FlowDefinitionError('StartTimer needs an interval of at least 1 ms');
  }
}

/** Names of a flow class's nodes, for typed references like `flow.Subprocess(Child, 'start')`. */
export type NodeName<F extends FlowClass> = {
  [K in keyof InstanceType<F>]: InstanceType<F>[K] extends Node ? K : never;
}[keyof InstanceType<F>] &
  string;

export interface SubprocessOptions {
  /** The child's initial data, from the parent's activation (and the item, for NSubprocess). */
  data?: Callable<any, Record<string, unknown>>;
}

/** Runs a process of another flow, begun through its StartHandle node; the
 * task completes when the child finishes. The child's process has
 * `parentTaskId` set, and its start handler gets the parent's activation. */
export class SubprocessNode extends LinearNode {
  readonly kind: NodeKind = 'subprocess';
  readonly taskType = 'SUBPROCESS';

  constructor(
    readonly flowClass: FlowClass,
    readonly startNode: string,
    readonly data?: Callable<any, Record<string, unknown>>,
  ) {
    super();
  }
}

/** One child process per item; the task completes when all of them finish. */
export class NSubprocessNode extends SubprocessNode {
  override readonly kind = 'nsubprocess';

  constructor(
    flowClass: FlowClass,
    startNode: string,
    readonly items: Callable<any, unknown[] | Promise<unknown[]>>,
    data?: Callable<any, Record<string, unknown>>,
  ) {
    super(flowClass, startNode, data);
  }
}
