/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * Task detail and the task actions (assign, unassign, reassign, cancel,
 * undo, revive). All run inside taskView: the task is the one in the URL
 * and, for a POST, the engine's step on it is open.
 */
import type { Context } from 'hono';
import type { TaskEnv, WebAction } from '../env.ts';
import { flash } from '../flash.ts';
import { requireAction } from '../task-view/index.ts';
import { mayTakeTask } from '../visibility.ts';
import { readerOf } from '../lookup.ts';

export async function taskDetail(c: Context<TaskEnv>): Promise<Response> {
  const { flow, node, process, task, actions } = c.var.flowTask;
  const { users, templates } = c.var.flowlane;
  const owner = task.ownerId === null ? undefined : (await users.names([task.ownerId])).get(task.ownerId);
  const Template = templates(flow).task;
  return c.html(<Template c={c} flow={flow} node={node} process={process} task={task} actions={actions} owner={owner} />);
}

type PostAction = Exclude<WebAction, 'execute'>;

const DONE_MESSAGES: Record<PostAction, string> = {
  assign: 'assigned to you',
  unassign: 'unassigned; it is back in the queue',
  reassign: 'reassigned',
  cancel: 'canceled',
  undo: 'undone',
  revive: 'revived; a new task continues from it',
};

export const POST_ACTIONS = Object.keys(DONE_MESSAGES) as PostAction[];

/** The new owner of a reassigned task, from the form's username; a flash and undefined when there is none. */
async function reassignTarget(c: Context<TaskEnv>): Promise<number | undefined> {
  const { flow, node, process, task } = c.var.flowTask;
  const body = await c.req.parseBody();
  const username = typeof body.username === 'string' ? body.username.trim() : '';
  const target = username ? await c.var.flowlane.users.byUsername(username, readerOf(c)) : null;
  if (!target) {
    flash(c, 'error', username ? `There is no active user "${username}".` : 'Enter the username to reassign the task to.');
    return undefined;
  }
  if (!mayTakeTask(flow, node, process, task, target)) {
    flash(c, 'error', `${target.username} may not take tasks of "${node.title}".`);
    return undefined;
  }
  return target.id;
}

export async function taskAction(c: Context<TaskEnv>): Promise<Response> {
  const action = c.req.param('action') as PostAction;
  const { flow, node, process, task } = c.var.flowTask;
  const { urls } = c.var.flowlane;
  requireAction(c, action);
  let to: number | undefined;
  if (action === 'reassign') {
    to = await reassignTarget(c);
    if (to === undefined) return c.redirect(urls.task(flow.label, task), 303);
  }
  await c.var.taskContext!.perform(action, { to });
  flash(c, 'success', `${node.title} (task #${task.id}) ${DONE_MESSAGES[action]}.`);
  // Taking a task is for working on it: straight to its form.
  return c.redirect(action === 'assign' ? urls.action(flow.label, task, 'execute') : urls.process(flow.label, process.id), 303);
}
