/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Process detail, canceling a process, and "on to my next task". Each refuses ids of other flows with 404. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import { NotFoundError, PermissionDeniedError } from '../../errors.ts';
import { isManager } from '../../engine/actions.ts';
import type { ProcessState, TaskInfo } from '../../engine/model.ts';
import { isActive } from '../../engine/model.ts';
import { WEB_ACTIONS, type WebAction, type WebEnv } from '../env.ts';
import { flash } from '../flash.ts';
import { nextTaskOf } from '../queries.ts';
import { canViewProcess } from '../visibility.ts';
import { idParam, ifFound } from '../lookup.ts';

/** The process in the URL, when it belongs to `flow` and the user may see it. */
async function visibleProcess(flow: FlowSpec, c: Context<WebEnv>): Promise<{ process: ProcessState; tasks: TaskInfo[] }> {
  const { engine } = c.var.flowlane;
  const id = idParam(c, 'process_pk');
  const process = await ifFound(engine.getProcess(id));
  if (!process || process.flow !== flow.label) throw new NotFoundError(`${flow.title} has no process ${id}`);
  const tasks = await engine.getTasks(id);
  if (!canViewProcess(flow, process, tasks, c.var.user!)) throw new PermissionDeniedError(`${c.var.user!.username} may not see ${flow.title} #${id}`);
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

export function cancelProcess(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    const { engine, urls } = c.var.flowlane;
    const { process } = await visibleProcess(flow, c);
    await engine.cancelProcess(process.id, { user: c.var.user! });
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
