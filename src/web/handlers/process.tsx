/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Process detail, canceling a process, and "on to my next task". Each refuses ids of other flows with 404. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import { ConcurrentUpdateError, NotFoundError, PermissionDeniedError, TransitionError } from '../../errors.ts';
import { isManager } from '../../engine/actions.ts';
import type { ProcessState, TaskInfo } from '../../engine/model.ts';
import { isActive } from '../../engine/model.ts';
import { WEB_ACTIONS, type WebAction, type WebEnv } from '../env.ts';
import { flash } from '../flash.ts';
import { nextTaskOf } from '../queries.ts';
import { canViewProcess } from '../visibility.ts';
import { idParam, ifFound } from '../lookup.ts';
import { ConfirmPage, confirmed } from '../pages/confirm.tsx';
import { errorPage } from '../pages/error.tsx';

/** The process in the URL, when it belongs to `flow` and the user may see it. */
async function visibleProcess(flow: FlowSpec, c: Context<WebEnv>): Promise<{ process: ProcessState; tasks: TaskInfo[] }> {
  const { engine } = c.var.flowlane;
  const id = idParam(c, 'process_pk');
  const process = await ifFound(engine.getProcess(id));
  if (!process || process.flow !== flow.label) throw new NotFoundError(`${flow.title} has no process ${id}`);
  const tasks = await engine.getTasks(id);
  if (!canViewProcess(flow, process, tasks, c.var.user!)) {
    throw new PermissionDeniedError(`You don't have access to ${flow.title} #${id} (that needs the ${flow.permissions.view} permission, or a task of it must be yours).`);
  }
  return { process, tasks };
}

/** Tasks where some action could apply: active ones, and finished ones for a manager (undo, revive). */
function worthAsking(task: TaskInfo, manager: boolean): boolean {
  return isActive(task.status) || (manager && task.status !== 'REVIVED');
}

export function processDetail(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    const { engine, users, templates } = c.var.flowlane;
    const user = c.var.user!;
    const { process, tasks } = await visibleProcess(flow, c);
    const manager = isManager(flow, user);
    const actions = new Map<number, WebAction[]>();
    for (const task of tasks.filter((t) => worthAsking(t, manager))) {
      const allowed = new Set(await engine.available(task.id, user));
      actions.set(task.id, WEB_ACTIONS.filter((a) => allowed.has(a)));
    }
    const names = await users.names(tasks.flatMap((t) => (t.ownerId === null ? [] : [t.ownerId])));
    const Template = templates(flow).process;
    return c.html(
      <Template c={c} flow={flow} process={process} tasks={tasks} actions={actions} names={names} cancelable={manager && process.status === 'NEW'} />,
    );
  };
}

/** Why the user may not cancel the process now, in words; undefined when they may. */
function whyNotCancel(flow: FlowSpec, process: ProcessState, c: Context<WebEnv>): { status: 403 | 409; message: string } | undefined {
  if (process.status !== 'NEW') {
    return { status: 409, message: `${flow.title} #${process.id} has already ${process.status === 'CANCELED' ? 'been canceled' : 'finished'}; there is nothing left to cancel.` };
  }
  if (!isManager(flow, c.var.user!)) {
    return { status: 403, message: `Only managers of ${flow.title} may cancel processes (that needs the ${flow.permissions.manage} permission).` };
  }
  return undefined;
}

function refuseCancel(c: Context<WebEnv>, flow: FlowSpec, process: ProcessState, refusal: { status: 403 | 409; message: string }, detail?: string) {
  const { urls } = c.var.flowlane;
  return errorPage(c, refusal.status, refusal.message, {
    ...(detail ? { detail } : {}),
    links: [
      { href: urls.process(flow.label, process.id), label: `Open ${flow.title} #${process.id}` },
      { href: urls.inbox(), label: 'Go to your inbox' },
    ],
  });
}

/** GET …/cancel: what canceling the process does, and the button that does it. */
export function confirmCancelProcess(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    const { urls } = c.var.flowlane;
    const { process, tasks } = await visibleProcess(flow, c);
    const refusal = whyNotCancel(flow, process, c);
    if (refusal) return refuseCancel(c, flow, process, refusal);
    const open = tasks.filter((t) => isActive(t.status)).map((t) => `${flow.node(t.node).title} #${t.id}`);
    return c.html(
      <ConfirmPage
        c={c}
        title={`Cancel ${flow.title} #${process.id}?`}
        consequences={[
          open.length
            ? `Its open ${open.length === 1 ? 'task' : 'tasks'} (${open.join(', ')}) will be canceled and the process ends as Canceled.`
            : 'The process ends as Canceled.',
          'This cannot be undone.',
        ]}
        action={urls.cancelProcess(flow.label, process.id)}
        confirmLabel="Yes, cancel the process"
        backUrl={urls.process(flow.label, process.id)}
      />,
    );
  };
}

export function cancelProcess(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    const { engine, urls } = c.var.flowlane;
    const { process } = await visibleProcess(flow, c);
    const refusal = whyNotCancel(flow, process, c);
    if (refusal) return refuseCancel(c, flow, process, refusal);
    if (!(await confirmed(c))) return c.redirect(urls.cancelProcess(flow.label, process.id), 303);
    try {
      await engine.cancelProcess(process.id, { user: c.var.user! });
    } catch (error) {
      // Canceled or finished by someone else since it was read: say so from what it is now.
      if (!(error instanceof TransitionError || error instanceof ConcurrentUpdateError)) throw error;
      const now = await engine.getProcess(process.id);
      return refuseCancel(c, flow, now, whyNotCancel(flow, now, c) ?? { status: 409, message: 'Someone else changed this process at the same moment. Try again.' }, error.message);
    }
    flash(c, 'success', `${flow.title} #${process.id} canceled.`);
    return c.redirect(urls.process(flow.label, process.id), 303);
  };
}

/** After a step: the user's next task of this process, else the inbox. */
export function nextTask(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    const { engine, urls } = c.var.flowlane;
    const id = idParam(c, 'process_pk');
    const process = await ifFound(engine.getProcess(id));
    if (!process || process.flow !== flow.label) throw new NotFoundError(`${flow.title} has no process ${id}`);
    const next = await nextTaskOf(engine.database.db, id, c.var.user!);
    return c.redirect(next ? urls.action(flow.label, next, 'execute') : urls.inbox(), 303);
  };
}
