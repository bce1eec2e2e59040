/**
 * What Flowlane's web layer puts on `c.var`. Pages see WebEnv; a task view
 * (wrapped by taskView) also sees the task it acts on, and a start view
 * the start node it serves.
 */
import type { Context } from 'hono';
import type { Engine, TaskContext } from '../engine/engine.ts';
import type { FlowSpec } from '../flow/build.ts';
import type { Node } from '../flow/nodes.ts';
import type { Activation } from '../engine/activation.ts';
import type { ProcessInfo, ProcessState, TaskState } from '../engine/model.ts';
import type { AuthVariables } from './auth/env.ts';
import type { Urls } from './urls.ts';
import type { UserDirectory } from './users.ts';
import type { Templates } from './templates.ts';

/** Task actions the web offers, in the order buttons show. */
export const WEB_ACTIONS = ['execute', 'assign', 'unassign', 'reassign', 'cancel', 'undo', 'revive'] as const;
export type WebAction = (typeof WEB_ACTIONS)[number];

/** The viewset serving the request. */
export interface WebContext {
  engine: Engine;
  urls: Urls;
  /** The flows this viewset serves; lists and counts cover exactly these. */
  flows: readonly FlowSpec[];
  users: UserDirectory;
  /** Rows per page in lists. */
  pageSize: number;
  templates(flow: FlowSpec): Templates;
}

export interface WebVariables extends AuthVariables {
  flowlane: WebContext;
}

export interface FlowTask {
  flow: FlowSpec;
  node: Node;
  process: ProcessState;
  task: TaskState;
  /** The actions this user may take on the task now (checked again when posted). */
  actions: readonly WebAction[];
}

export interface TaskVariables extends WebVariables {
  flowTask: FlowTask;
  /** POST (and other unsafe methods): the task's activation, inside the step
   * that holds the flow's lock and transaction; undefined on GET. */
  activation: Activation | undefined;
  /** POST: check and perform transitions inside that step; undefined on GET. */
  taskContext: TaskContext | undefined;
}

export interface FlowStart {
  flow: FlowSpec;
  node: Node;
  /** Starts a process through this node as the current user, in one step. */
  start(data: Record<string, unknown>): Promise<ProcessInfo>;
}

export interface StartVariables extends WebVariables {
  flowStart: FlowStart;
}

export type WebEnv = { Variables: WebVariables };
export type TaskEnv = { Variables: TaskVariables };
export type StartEnv = { Variables: StartVariables };

type Handler<E extends { Variables: object }> = (c: Context<E>) => Response | Promise<Response>;
export type TaskHandler = Handler<TaskEnv>;
export type StartHandler = Handler<StartEnv>;
