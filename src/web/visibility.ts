/**
 * Who may see what. The flow's `view` (or `manage`) permission shows all
 * of a flow; without it a user still sees the tasks they own or may take,
 * and the processes those tasks belong to.
 */
import type { FlowSpec } from '../flow/build.ts';
import type { Node } from '../flow/nodes.ts';
import { isActive, type ProcessState, type TaskState } from '../engine/model.ts';
import { hasPermission, type FlowUser } from '../engine/user.ts';
import { mayTake } from '../engine/actions.ts';
import { PermissionDeniedError } from '../errors.ts';

export function canViewFlow(flow: FlowSpec, user: FlowUser): boolean {
  return hasPermission(user, flow.permissions.view) || hasPermission(user, flow.permissions.manage);
}

/** Refuses (403) a user without the flow's view permission. */
export function requireFlowView(flow: FlowSpec, user: FlowUser): void {
  if (!canViewFlow(flow, user)) throw new PermissionDeniedError(`You don't have access to ${flow.title} (that needs the ${flow.permissions.view} permission).`);
}

/** Whether the node's permission lets the user take this task. A permission
 * function gets a read-only stand-in for the activation outside a step. */
export function mayTakeTask(flow: FlowSpec, node: Node, process: ProcessState, task: TaskState, user: FlowUser): boolean {
  return mayTake(flow, node, user, { flow, node, process, task, user });
}

export function canViewTask(flow: FlowSpec, process: ProcessState, task: TaskState, user: FlowUser): boolean {
  if (canViewFlow(flow, user) || task.ownerId === user.id) return true;
  const node = flow.node(task.node);
  return node.kind === 'view' && isActive(task.status) && task.ownerId === null && mayTakeTask(flow, node, process, task, user);
}

export function canViewProcess(flow: FlowSpec, process: ProcessState, tasks: readonly TaskState[], user: FlowUser): boolean {
  return canViewFlow(flow, user) || tasks.some((task) => canViewTask(flow, process, task, user));
}
