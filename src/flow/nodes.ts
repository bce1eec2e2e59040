/**
 * Node definitions: what a flow declares. They hold wiring and options
 * only; how each kind behaves at run time lives in engine/kinds.ts.
 * Wiring methods are capitalised so no node is ever a thenable.
 */
import { Ref } from './refs.ts';
import { dueSpec, type Delay, type DueSpec } from './duration.ts';
import type { FlowUser } from '../engine/user.ts';

/** A node, a method of the flow (by `self.name`), or a function. */
export type Target = Ref | Node;
export type Callable<A = any, R = unknown> = Ref | ((activation: A) => R);

export type NodeKind =
  | 'start'
  | 'startHandle'
  | 'view'
  | 'function'
  | 'handle'
  | 'if'
  | 'switch'
  | 'split'
  | 'splitFirst'
  | 'join'
  | 'end'
  | 'obsolete'
  | 'job'
  | 'timer'
  | 'startTimer'
  | 'subprocess'
  | 'nsubprocess';

export type TaskType = 'START' | 'HUMAN' | 'FUNCTION' | 'HANDLE' | 'GATE' | 'END' | 'OBSOLETE' | 'JOB' | 'TIMER' | 'SUBPROCESS';

export interface Annotation {
  title?: string;
  description?: string;
  /** Rendered with the process and task: `Ship {{ process.data.item }}`. */
  summaryTemplate?: string;
  resultTemplate?: string;
}

/** An edge to a next node, with the options a Split gives it. */
export interface Edge {
  target: Target;
  /** Split: the branch is taken only when this holds. */
  case?: Callable<any, unknown>;
  /** Split: one task per item; the item goes into that task's data. */
  dataSource?: Callable<any, unknown[]>;
  /** Switch/If: a label for charts. */
  label?: string;
  /** Taken when this event happens (a human task's timeout), never on completion. */
  event?: 'timeout';
}

export abstract class Node {
  abstract readonly kind: NodeKind;
  abstract readonly taskType: TaskType;
  /** Set when the flow is registered. */
  name = '';
  annotation: Annotation = {};
  protected edges: Edge[] = [];
  /** Resolved successors, filled at registration. */
  resolved: Array<{ node: Node; edge: Edge }> = [];

  Annotation(annotation: Annotation): this {
    this.annotation = { ...this.annotation, ...annotation };
    return this;
  }

  get title(): string {
    return this.annotation.title ?? humanize(this.name);
  }

  outgoing(): readonly Edge[] {
    return this.edges;
  }

  /** Whether the node is an end of the graph (needs no outgoing edge). */
  get terminal(): boolean {
    return false;
  }
}

export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/** A node with a single `.Next(...)`. */
export abstract class LinearNode extends Node {
  Next(target: Target): this {
    this.edges = [{ target }];
    return this;
  }
}

/** Who may take a human task: a codename, a predicate, the node's own
 * auto-created codename, or any member of the listed groups. */
export type PermissionSpec =
  | string
  | ((user: FlowUser, activation: any) => boolean)
  | { autoCreate: true }
  | { groups: string[] };

/** Who gets a human task when it is created: a user id, a function of the
 * activation returning a user id, or the owner of another node's task. */
export type AssignSpec = number | ((activation: any) => number | null | undefined) | { ownerOf: Ref };

/** Options shared by the nodes a person works on. */
abstract class HumanNode extends LinearNode {
  permission?: PermissionSpec;
  assign?: AssignSpec;
  /** Managers may hand an assigned task to someone else. */
  reassignable = false;

  constructor(readonly view?: unknown) {
    super();
  }

  Permission(spec: PermissionSpec): this {
    this.permission = spec;
    return this;
  }

  Assign(spec: AssignSpec): this {
    this.assign = spec;
    return this;
  }

  Reassign(enabled = true): this {
    this.reassignable = enabled;
    return this;
  }
}

export class StartNode extends HumanNode {
  readonly kind = 'start';
  readonly taskType = 'START';
}

export class StartHandleNode extends LinearNode {
  readonly kind = 'startHandle';
  readonly taskType = 'START';
  constructor(readonly handler?: Callable<any, unknown>) {
    super();
  }
}

export class ViewNode extends HumanNode {
  readonly kind = 'view';
  readonly taskType = 'HUMAN';
  onUndo?: Callable<any, unknown>;
  /** Set by `.OnTimeout`; the due time is stored on the task (`scheduled`). */
  timeoutDelay?: DueSpec;
  timeoutInterrupting = true;
  private timeoutEdge?: Edge;

  /** Runs when a finished task of this node is undone. */
  OnUndo(handler: Callable<any, unknown>): this {
    this.onUndo = handler;
    return this;
  }

  /**
   * When the task is still open after `delay`, go to `then`: an interrupting
   * timeout (the default) cancels the task first; a non-interrupting one
   * leaves it open beside the new path. Runs in a worker (flowlane/jobs).
   */
  OnTimeout(delay: Delay, then: Target, options: { interrupting?: boolean } = {}): this {
    this.timeoutDelay = dueSpec(delay);
    this.timeoutInterrupting = options.interrupting ?? true;
    this.timeoutEdge = { target: then, label: 'timeout', event: 'timeout' };
    return this;
  }

  override outgoing(): readonly Edge[] {
    return this.timeoutEdge ? [...this.edges, this.timeoutEdge] : this.edges;
  }
}

export class FunctionNode extends LinearNode {
  readonly kind = 'function';
  readonly taskType = 'FUNCTION';
  constructor(readonly handler: Callable<any, unknown>) {
    super();
  }
}

export class HandleNode extends LinearNode {
  readonly kind = 'handle';
  readonly taskType = 'HANDLE';
  constructor(readonly handler?: Callable<any, unknown>) {
    super();
  }
}

export class IfNode extends Node {
  readonly kind = 'if';
  readonly taskType = 'GATE';
  private thenEdge?: Edge;
  private elseEdge?: Edge;
  constructor(readonly condition: Callable<any, unknown>) {
    super();
  }
  Then(target: Target): this {
    this.thenEdge = { target, label: 'then' };
    return this;
  }
  Else(target: Target): this {
    this.elseEdge = { target, label: 'else' };
    return this;
  }
  override outgoing(): readonly Edge[] {
    return [this.thenEdge, this.elseEdge].filter((e): e is Edge => e !== undefined);
  }
}

export class SwitchNode extends Node {
  readonly kind = 'switch';
  readonly taskType = 'GATE';
  private defaultEdge?: Edge;
  Case(target: Target, condition: Callable<any, unknown>): this {
    this.edges.push({ target, case: condition });
    return this;
  }
  Default(target: Target): this {
    this.defaultEdge = { target, label: 'default' };
    return this;
  }
  get defaultTarget(): Edge | undefined {
    return this.defaultEdge;
  }
  override outgoing(): readonly Edge[] {
    return this.defaultEdge ? [...this.edges, this.defaultEdge] : this.edges;
  }
}

export interface BranchOptions {
  case?: Callable<any, unknown>;
  dataSource?: Callable<any, unknown[]>;
}

export class SplitNode extends Node {
  readonly kind: NodeKind = 'split';
  readonly taskType = 'GATE';
  Next(target: Target, options: BranchOptions = {}): this {
    this.edges.push({ target, ...options });
    return this;
  }
  /** A branch taken every time. */
  Always(target: Target): this {
    this.edges.push({ target });
    return this;
  }
}

export class SplitFirstNode extends SplitNode {
  override readonly kind = 'splitFirst';
}

export class JoinNode extends LinearNode {
  readonly kind = 'join';
  readonly taskType = 'GATE';
  /** When given and true, the join goes on early and cancels what is still active. */
  constructor(readonly continueWhen?: Callable<any, unknown>) {
    super();
  }
}

export class EndNode extends Node {
  readonly kind = 'end';
  readonly taskType = 'END';
  override get terminal(): boolean {
    return true;
  }
}

/** Stands in for a node removed from the flow, so its stored tasks still load. */
export class ObsoleteNode extends Node {
  readonly kind = 'obsolete';
  readonly taskType = 'OBSOLETE';
  override get terminal(): boolean {
    return true;
  }
}
