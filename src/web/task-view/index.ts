/**
 * The wrapper around every task view. From `:process_pk/:node/:task_pk`
 * it loads the task and its process, answers 404 unless the task belongs
 * to that process, flow and node, and 403 unless the user may see it. A
 * GET runs the view on what was read; any other method runs it inside the
 * engine's step on the task (the flow's lock and one transaction), with
 * the activation on `c.var.activation`: the view's writes and the
 * transition commit together or not at all.
 *
 * A refusal of a task the user may see (not allowed, not now, a race lost)
 * is answered with the refusal page: the reason in words, told from the
 * task as it is after the refused request, what the user may do instead,
 * and links to the task and its process.
 */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import { isManager, type TaskAction, type Verdict } from '../../engine/actions.ts';
import { ConcurrentUpdateError, NotFoundError, PermissionDeniedError, TransitionError } from '../../errors.ts';
import { isActive, type TaskState } from '../../engine/model.ts';
import { WEB_ACTIONS, type FlowTask, type TaskEnv, type TaskHandler, type WebAction, type WebEnv } from '../env.ts';
import { canViewTask, mayTakeTask } from '../visibility.ts';
import { idParam, ifFound } from '../lookup.ts';
import { taskRefusalPage } from '../pages/refusal.tsx';

/** A refused action, naming it, so the refusal page can say why in words. */
export class ActionDeniedError extends PermissionDeniedError {
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

/** The refusals the refusal page explains; anything else goes to the viewset's error handler. */
const isRefusal = (error: unknown): error is Error =>
  error instanceof PermissionDeniedError || error instanceof TransitionError || error instanceof ConcurrentUpdateError;

/** The action refused: named by the error, else by the URL (…/execute, …/undo). */
function refusedAction(error: Error, c: Context): WebAction | undefined {
  const named = (error as { action?: unknown }).action;
  const action = typeof named === 'string' ? named : new URL(c.req.url).pathname.split('/').pop();
  return (WEB_ACTIONS as readonly string[]).includes(action ?? '') ? (action as WebAction) : undefined;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const MANAGER_ACTIONS = new Set<WebAction>(['reassign', 'cancel', 'undo', 'revive']);

export function taskView(flow: FlowSpec, view: TaskHandler) {
  return async (c: Context<WebEnv>): Promise<Response> => {
    const { engine } = c.var.flowlane;
    const user = c.var.user;
    if (!user) return c.text('Authentication required: sign in and try again.', 401);
    const processId = idParam(c, 'process_pk');
    const taskId = idParam(c, 'task_pk');
    const nodeName = c.req.param('node');
    const found = await ifFound(engine.getTask(taskId));
    // One message for every mismatch, so ids of other flows reveal nothing.
    if (!found || found.flow !== flow.label || found.processId !== processId || found.node !== nodeName) {
      throw new NotFoundError(`Process ${processId} of ${flow.title} has no task ${taskId} at "${nodeName}"`);
    }
    const tc = c as unknown as Context<TaskEnv>;
    const node = flow.node(nodeName);
    // Refusals are explained with the task's details only to users who may see it.
    let seen = false;
    const refuseUnseen = (task: TaskState, process: FlowTask['process']) => {
      if (!canViewTask(flow, process, task, user)) {
        const wasQueued = node.kind === 'view' && mayTakeTask(flow, node, process, task, user);
        throw new PermissionDeniedError(
          wasQueued
            ? `This task is no longer in your queue: ${isActive(task.status) ? 'someone else has taken it' : 'it has been finished'}.`
            : `You don't have access to this task of ${flow.title} (that needs the ${flow.permissions.view} permission, or the task must be yours).`,
        );
      }
      seen = true;
    };

    try {
      if (READ_METHODS.has(c.req.method)) {
        const process = await engine.getProcess(processId);
        refuseUnseen(found, process);
        const allowed = new Set(await engine.available(taskId, user));
        tc.set('flowTask', { flow, node, process, task: found, actions: WEB_ACTIONS.filter((a) => allowed.has(a)) });
        tc.set('activation', undefined);
        tc.set('taskContext', undefined);
        return await view(tc);
      }
      try {
        // The engine checks the scope again inside the step.
        return await engine.withTask(taskId, { user, scope: { flow: flow.label, processId, node: nodeName } }, async (ctx) => {
          refuseUnseen(ctx.task, ctx.process);
          const actions = WEB_ACTIONS.filter((a) => ctx.check(a).ok);
          tc.set('flowTask', { flow, node, process: ctx.process, task: ctx.task, actions });
          tc.set('activation', ctx.activation);
          tc.set('taskContext', ctx);
          return await view(tc);
        });
      } finally {
        // The step is over: whatever renders next (an error page) must not use its transaction.
        tc.set('activation', undefined);
        tc.set('taskContext', undefined);
      }
    } catch (error) {
      if (!seen || !isRefusal(error)) throw error;
      return taskRefusalPage(c, { flow, taskId, processId }, error, refusedAction(error, c));
    }
  };
}

function refusal(verdict: Exclude<Verdict, { ok: true }>, action: TaskAction, task: TaskState): Error {
  const message = `Cannot ${action} task ${task.id}: ${verdict.reason}`;
  return verdict.kind === 'permission' ? new ActionDeniedError(message, action) : new TransitionError(message, task.id, action, task.status);
}

/**
 * Throws the engine's reason (403 for permission, 409 for status) unless the
 * user may take `action` now. Inside a step the engine decides; on a GET
 * the available actions do, and the reason is told from the task.
 */
export function requireAction(c: Context<TaskEnv>, action: WebAction): void {
  const { flowTask, taskContext, user } = c.var;
  const { task } = flowTask;
  if (taskContext) {
    const verdict = taskContext.check(action);
    if (!verdict.ok) throw refusal(verdict, action, task);
    return;
  }
  if (flowTask.actions.includes(action)) return;
  const mine = task.ownerId === user?.id;
  if (action === 'execute' && !mine && (task.status === 'NEW' || task.status === 'ASSIGNED' || task.status === 'STARTED')) {
    const whose = task.ownerId === null ? 'it is not assigned to anyone yet; assign it to yourself first' : 'it is assigned to someone else';
    const message = `Cannot execute task ${task.id}: ${whose}`;
    // Not now (409) for whoever may take it first; not allowed (403) for everyone else.
    if (task.ownerId === null && flowTask.actions.includes('assign')) throw new TransitionError(message, task.id, action, task.status);
    throw new ActionDeniedError(message, action);
  }
  if (MANAGER_ACTIONS.has(action) && user && !isManager(flowTask.flow, user)) {
    throw new ActionDeniedError(`Cannot ${action} task ${task.id}: ${action} needs the ${flowTask.flow.permissions.manage} permission`, action);
  }
  throw new TransitionError(`Cannot ${action} task ${task.id}: it is ${task.status}`, task.id, action, task.status);
}
