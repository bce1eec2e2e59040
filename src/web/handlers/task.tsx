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
import { whyNot } from '../ui/explain.ts';
import { ConfirmPage, confirmed } from '../pages/confirm.tsx';

export async function taskDetail(c: Context<TaskEnv>): Promise<Response> {
  const { flow, node, process, task, actions } = c.var.flowTask;
  const { users, templates } = c.var.flowlane;
  const owner = task.ownerId === null ? undefined : (await users.names([task.ownerId])).get(task.ownerId);
  const reason = actions.length ? undefined : whyNot({ flow, node, process, task, user: c.var.user!, owner, actions });
  const Template = templates(flow).task;
  return c.html(<Template c={c} flow={flow} node={node} process={process} task={task} actions={actions} owner={owner} reason={reason} />);
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

/** The actions that ask for confirmation first (GET shows the question, POST needs confirm=yes). */
export const CONFIRMED_ACTIONS = new Set<PostAction>(['cancel', 'undo']);

/** What undoing or canceling the task will do, in words. */
function consequences(c: Context<TaskEnv>, action: 'cancel' | 'undo'): string[] {
  const { flow, node, process, task } = c.var.flowTask;
  const name = `${node.title} #${task.id}`;
  if (action === 'cancel') {
    return [`${name} will be canceled: nobody can work on it any more, and ${flow.title} #${process.id} does not go on from it unless a manager revives it.`];
  }
  if (node.kind === 'end') {
    return [
      `${flow.title} #${process.id} has finished. Undoing its end reopens it: the process shows as Running again, and the steps before the end can then be undone or revived.`,
    ];
  }
  if (node.kind === 'start' || node.kind === 'startHandle') {
    return [`Undoing the start of ${flow.title} #${process.id} cancels the whole process.`];
  }
  return [`${name} will be marked canceled and its result no longer counts. The process does not go on from it unless a manager revives it.`];
}

/** GET …/cancel and …/undo: the question before the action. */
export function confirmTaskAction(c: Context<TaskEnv>): Promise<Response> | Response {
  const action = c.req.param('action') as 'cancel' | 'undo';
  requireAction(c, action);
  const { flow, node, task } = c.var.flowTask;
  const { urls } = c.var.flowlane;
  const name = `${node.title} #${task.id}`;
  return c.html(
    <ConfirmPage
      c={c}
      title={action === 'undo' ? `Undo ${name}?` : `Cancel ${name}?`}
      consequences={consequences(c, action)}
      action={urls.action(flow.label, task, action)}
      confirmLabel={action === 'undo' ? `Yes, undo ${node.title}` : 'Yes, cancel the task'}
      backUrl={urls.task(flow.label, task)}
    />,
  );
}

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
  // A destructive action acts only when confirmed; otherwise it asks first.
  if (CONFIRMED_ACTIONS.has(action) && !(await confirmed(c))) return c.redirect(urls.action(flow.label, task, action), 303);
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
