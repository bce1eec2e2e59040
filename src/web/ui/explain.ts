/**
 * Why a user cannot do something with a task, in plain words: "This task
 * was already completed by supervisor", "You don't have the permission to
 * take this task (needs the helloworld.can_approve permission)". Told from
 * the task as it is now, so it holds for a refused request and for a task
 * page that offers no button alike. The engine's own reason (task ids,
 * stored statuses) is for the technical line under it.
 */
import type { FlowSpec } from '../../flow/build.ts';
import type { Node, ViewNode } from '../../flow/nodes.ts';
import { describePermission, isManager, mayTake } from '../../engine/actions.ts';
import { canCancel, kindOf } from '../../engine/kinds.ts';
import type { ProcessState, TaskState } from '../../engine/model.ts';
import type { FlowUser } from '../../engine/user.ts';
import type { WebAction } from '../env.ts';
import { formatTime } from './status.tsx';

export interface TaskFacts {
  flow: FlowSpec;
  node: Node;
  process: ProcessState;
  task: TaskState;
  user: FlowUser;
  /** The owner's display name, when the task has an owner. */
  owner?: string;
  /** What the user may do with the task now. */
  actions: readonly WebAction[];
}

/** The verb a refusal uses for each action ("you cannot take this task"). */
export const VERBS: Record<WebAction, string> = {
  execute: 'work on',
  assign: 'take',
  unassign: 'unassign',
  reassign: 'reassign',
  cancel: 'cancel',
  undo: 'undo',
  revive: 'revive',
};

/** "supervisor", "you", or "user #7" when the name is unknown. */
function ownerName(facts: TaskFacts): string | undefined {
  const { task, user, owner } = facts;
  if (task.ownerId === null) return undefined;
  return task.ownerId === user.id ? 'you' : (owner ?? `user #${task.ownerId}`);
}

function managersOnly(facts: TaskFacts, action: WebAction): string {
  const { flow } = facts;
  return `Only managers of ${flow.title} may ${VERBS[action]} tasks (that needs the ${flow.permissions.manage} permission).`;
}

function cannotTake(facts: TaskFacts): string {
  const { flow, node } = facts;
  return `You don't have the permission to take this task (${describePermission(flow, node).replace(/^needs/, 'it needs')}).`;
}

function processClosed(process: ProcessState): string {
  return process.status === 'CANCELED' ? 'The process was canceled, so its tasks are closed.' : 'The process has finished, so its tasks are closed.';
}

/** A finished task: done, canceled, revived or failed, and what may still be done about it. */
function finished(facts: TaskFacts, action: WebAction | undefined): string | undefined {
  const { task, process, node, user } = facts;
  const manager = isManager(facts.flow, user);
  const by = ownerName(facts);
  const at = task.finished ? ` at ${formatTime(task.finished)}` : '';
  if (action === 'undo' && task.status === 'DONE') {
    if (process.status === 'CANCELED') return 'The process was canceled, so its tasks can no longer be undone.';
    if (!kindOf(node).undoable) return 'This kind of step cannot be undone.';
    if (node.kind !== 'end' && process.status !== 'NEW') return 'The process has finished: undo its End step first to reopen it.';
    if (!manager) return managersOnly(facts, 'undo');
    return 'Later steps went on from this task: undo or cancel them first.';
  }
  if (action === 'revive' && (task.status === 'CANCELED' || task.status === 'ERROR')) {
    if (process.status !== 'NEW') return `${processClosed(process)} Its tasks can no longer be revived.`;
    if (!kindOf(node).revivable) return 'This kind of step cannot be revived.';
    if (!manager) return managersOnly(facts, 'revive');
  }
  switch (task.status) {
    case 'DONE':
      if (by === 'you') return `You already completed this task${at}${action === 'execute' ? ' (in another tab or window, perhaps)' : ''}.`;
      return `This task was already completed${by ? ` by ${by}` : ''}${at}; it is no longer open.`;
    case 'CANCELED':
      return `This task was canceled${at}; it is no longer open.`;
    case 'REVIVED':
      return 'This task is no longer open: it was revived, and a new task took its place.';
    default:
      return undefined;
  }
}

/** A task still open, where the user's role or the task's state stands in the way. */
function open(facts: TaskFacts, action: WebAction | undefined): string | undefined {
  const { task, node, user, actions, process } = facts;
  const manager = isManager(facts.flow, user);
  const by = ownerName(facts);
  if (process.status !== 'NEW') return processClosed(process);
  if (task.status === 'ERROR' && (action === undefined || action === 'execute' || action === 'assign')) {
    const error = (task.data as { error?: { message?: string } }).error?.message;
    return `This step failed${error ? `: ${error}` : ''}. ${manager ? 'You may revive it to try again.' : 'A manager may revive it to try again.'}`;
  }
  if (node.kind !== 'view') {
    if (action === undefined || action === 'execute' || action === 'assign') {
      if (node.kind === 'handle') return 'This step waits for the application to run it; there is nothing to fill in.';
      if (task.status === 'SCHEDULED' || task.status === 'STARTED') return 'This step runs in the background; there is nothing to fill in.';
      return 'This step runs on its own; there is nothing to fill in.';
    }
  }
  switch (action) {
    case undefined:
    case 'execute':
    case 'assign':
      if (task.status === 'NEW') {
        if (actions.includes('assign')) return action === 'execute' ? 'This task is not assigned to anyone yet: assign it to yourself to work on it.' : undefined;
        return mayTake(facts.flow, node, user, { flow: facts.flow, node, process, task, user }) ? undefined : cannotTake(facts);
      }
      if (by === 'you') return action === 'assign' ? 'This task is already assigned to you.' : undefined;
      return `This task is assigned to ${by ?? 'someone else'}${action === 'assign' ? ' already' : ''}; only they can work on it.`;
    case 'unassign':
      if (task.status === 'NEW') return 'This task is not assigned to anyone.';
      if (task.status === 'STARTED') return 'Work on this task has started; it can no longer be unassigned.';
      return by !== 'you' && !manager ? `This task is assigned to ${by}; only they or a manager may unassign it.` : undefined;
    case 'reassign':
      if (!(node as ViewNode).reassignable) return 'Tasks of this step cannot be reassigned.';
      if (task.status !== 'ASSIGNED') return task.status === 'NEW' ? 'This task is not assigned to anyone yet, so there is nothing to reassign.' : 'Work on this task has started; it can no longer be reassigned.';
      return manager ? undefined : managersOnly(facts, 'reassign');
    case 'cancel':
      if (!canCancel(node, task.status)) return 'Work on this task has started; it can no longer be canceled.';
      return manager ? undefined : managersOnly(facts, 'cancel');
    case 'undo':
      return 'Only a completed task can be undone.';
    case 'revive':
      return 'Only a canceled or failed task can be revived.';
  }
}

/**
 * Why the user cannot take `action` on the task now, or (no action) why
 * the task offers them nothing; undefined when nothing stands in the way
 * that words can tell.
 */
export function whyNot(facts: TaskFacts, action?: WebAction): string | undefined {
  return finished(facts, action) ?? open(facts, action);
}
