/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The answer to a refused task action (a stale second tab completing a
 * task that is already done, a form opened before someone else took the
 * task, a button the user may not use): what stands in the way in words,
 * told from the task as it is now; the buttons the user may use instead
 * (Assign to me, say); and links to the task and its process, never back
 * to the refused address.
 */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import { ConcurrentUpdateError } from '../../errors.ts';
import { WEB_ACTIONS, type WebAction, type WebEnv } from '../env.ts';
import { statusOf } from '../viewset/errors.ts';
import { VERBS, whyNot, type TaskFacts } from '../ui/explain.ts';
import { ProcessStatusBadge, TaskStatusBadge } from '../ui/status.tsx';
import { TaskActions } from '../ui/task-actions.tsx';
import { errorPage } from './error.tsx';

/** Headings for a task that is no longer open; otherwise the status's ("Not allowed", "Not possible now"). */
const TITLES: Partial<Record<string, string>> = { DONE: 'Already done', CANCELED: 'No longer open', REVIVED: 'No longer open' };

/** The task and process as they are now (after the refused request), with what the user may do. */
async function factsNow(c: Context<WebEnv>, flow: FlowSpec, taskId: number, processId: number): Promise<TaskFacts> {
  const { engine, users } = c.var.flowlane;
  const user = c.var.user!;
  const [task, process, available] = await Promise.all([engine.getTask(taskId), engine.getProcess(processId), engine.available(taskId, user)]);
  const owner = task.ownerId === null ? undefined : (await users.names([task.ownerId])).get(task.ownerId);
  const allowed = new Set(available);
  return { flow, node: flow.node(task.node), process, task, user, owner, actions: WEB_ACTIONS.filter((a) => allowed.has(a)) };
}

export async function taskRefusalPage(
  c: Context<WebEnv>,
  where: { flow: FlowSpec; taskId: number; processId: number },
  error: Error,
  action: WebAction | undefined,
): Promise<Response> {
  const { flow, taskId, processId } = where;
  const { urls } = c.var.flowlane;
  const facts = await factsNow(c, flow, taskId, processId);
  const { node, task, process } = facts;
  const reason = whyNot(facts, action);
  const raced = error instanceof ConcurrentUpdateError ? 'Someone else changed this task at the same moment, so nothing was changed.' : '';
  // Without a reason in words, the error's own message is the best there is (a custom view's, say).
  const message = [raced, reason ?? (raced ? 'Reload the task and try again.' : error.message)].filter(Boolean).join(' ');
  const detail = reason || raced ? error.message : undefined;
  const taskUrl = urls.task(flow.label, task);
  const processUrl = urls.process(flow.label, process.id);
  // The action refused is no way on, even should it be possible again by now.
  const instead = facts.actions.filter((a) => a !== action || error instanceof ConcurrentUpdateError);
  return errorPage(c, statusOf(error) ?? 409, message, {
    ...(detail ? { detail } : {}),
    ...(TITLES[task.status] && action !== 'undo' && action !== 'revive' ? { title: TITLES[task.status] } : {}),
    links: [
      { href: taskUrl, label: `View ${node.title} #${task.id}` },
      { href: processUrl, label: `Open ${flow.title} #${process.id}` },
      { href: urls.inbox(), label: 'Go to your inbox' },
    ],
    children: (
      <>
        <p class="fl-refusal-task">
          {action ? `You tried to ${VERBS[action]}: ` : ''}
          <a href={taskUrl}>
            {node.title} #{task.id}
          </a>{' '}
          <TaskStatusBadge status={task.status} kind={node.kind} /> of{' '}
          <a href={processUrl}>
            {flow.title} #{process.id}
          </a>{' '}
          <ProcessStatusBadge status={process.status} />
        </p>
        {instead.length ? <TaskActions c={c} flow={flow} task={task} actions={instead} /> : ''}
      </>
    ),
  });
}
