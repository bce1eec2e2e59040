/**
 * The transitions an outside caller makes on an existing task, per node
 * kind, with who may make them. `check` answers without changing anything
 * (the web layer shows a button only when it says yes); `perform` checks
 * again and acts. A refused transition throws and changes nothing.
 */
import type { Node, PermissionSpec, ViewNode, HandleNode } from '../flow/nodes.ts';
import type { FlowSpec } from '../flow/build.ts';
import { PermissionDeniedError, TransitionError } from '../errors.ts';
import type { ProcessState, TaskState } from './model.ts';
import { hasPermission, type FlowUser } from './user.ts';
import { parseData, refuseUnknownFields, type Step } from './step.ts';
import { canCancel, cancelTask, done, kindOf } from './kinds.ts';

export type TaskAction = 'assign' | 'unassign' | 'reassign' | 'start' | 'execute' | 'run' | 'cancel' | 'undo' | 'revive';

export const TASK_ACTIONS: readonly TaskAction[] = ['assign', 'unassign', 'reassign', 'start', 'execute', 'run', 'cancel', 'undo', 'revive'];

export type Verdict = { ok: true } | { ok: false; kind: 'status' | 'permission'; reason: string };

const HUMAN_KINDS = new Set(['view']);

export interface ActionOptions {
  /** assign/reassign: the new owner (default: the acting user for assign). */
  to?: number;
  /** execute: fields merged into the process data (validated by the flow's schema). */
  data?: Record<string, unknown>;
  /** execute/run: fields merged into the task's own data. */
  taskData?: Record<string, unknown>;
  /** run: arguments passed to the Handle's handler after the activation. */
  args?: unknown[];
}

export function isManager(spec: FlowSpec, user: FlowUser): boolean {
  return hasPermission(user, spec.permissions.manage);
}

/** Whether `user` may take (assign to themselves) tasks of a human node. */
export function mayTake(spec: FlowSpec, node: Node, user: FlowUser, activation?: unknown): boolean {
  if (user.isSuperuser) return true;
  const permission = (node as { permission?: PermissionSpec }).permission;
  if (permission === undefined) return true;
  if (typeof permission === 'string') return hasPermission(user, permission);
  if (typeof permission === 'function') return Boolean(permission(user, activation));
  if ('autoCreate' in permission) return hasPermission(user, spec.nodeCodename(node));
  return permission.groups.some((g) => user.groups.has(g));
}

/** What a user needs to take tasks of a human node, for refusal messages. */
export function describePermission(spec: FlowSpec, node: Node): string {
  const permission = (node as { permission?: PermissionSpec }).permission;
  if (permission === undefined) return 'anyone may';
  if (typeof permission === 'string') return `needs the ${permission} permission`;
  if (typeof permission === 'function') return "the node's permission check refused";
  if ('autoCreate' in permission) return `needs the ${spec.nodeCodename(node)} permission`;
  return `needs membership of ${permission.groups.length > 1 ? 'one of the groups' : 'the group'} ${permission.groups.join(', ')}`;
}

const refuse = (reason: string, kind: 'status' | 'permission' = 'status'): Verdict => ({ ok: false, kind, reason });
const OK: Verdict = { ok: true };

export function check(step: Step, process: ProcessState, task: TaskState, action: TaskAction, options: ActionOptions = {}): Verdict {
  const spec = step.spec(process);
  const node = spec.node(task.node);
  const user = step.user;
  const kind = kindOf(node);
  const label = `task ${task.id} (${node.name}) is ${task.status}`;
  const human = HUMAN_KINDS.has(node.kind);
  const manager = isManager(spec, user);

  if (action === 'undo') {
    if (process.status === 'CANCELED') return refuse(`process ${process.id} is canceled`);
    if (!kind.undoable) return refuse(`a ${node.kind} task cannot be undone`);
    if (task.status !== 'DONE') return refuse(`${label}; only a DONE task can be undone`);
    if (node.kind !== 'end' && process.status !== 'NEW') return refuse(`process ${process.id} is ${process.status}`);
    return manager ? OK : refuse(`undo needs the ${spec.permissions.manage} permission`, 'permission');
  }
  if (process.status !== 'NEW') return refuse(`process ${process.id} is ${process.status}`);

  switch (action) {
    case 'assign':
      if (!human) return refuse(`a ${node.kind} task cannot be assigned`);
      if (task.status !== 'NEW') return refuse(`${label}; only a NEW task can be assigned`);
      if (options.to !== undefined && options.to !== user.id && !manager) {
        return refuse(`assigning to someone else needs the ${spec.permissions.manage} permission`, 'permission');
      }
      return mayTake(spec, node, user, step.activation(process, task)) || manager
        ? OK
        : refuse(`${user.username} may not take tasks of "${node.name}" (${describePermission(spec, node)})`, 'permission');
    case 'unassign':
      if (!human) return refuse(`a ${node.kind} task cannot be unassigned`);
      if (task.status !== 'ASSIGNED') return refuse(`${label}; only an ASSIGNED task can be unassigned`);
      return task.ownerId === user.id || manager ? OK : refuse('only the owner or a manager may unassign', 'permission');
    case 'reassign':
      if (!human || !(node as ViewNode).reassignable) return refuse(`"${node.name}" does not allow reassigning`);
      if (task.status !== 'ASSIGNED') return refuse(`${label}; only an ASSIGNED task can be reassigned`);
      return manager ? OK : refuse(`reassign needs the ${spec.permissions.manage} permission`, 'permission');
    case 'start':
      if (!human) return refuse(`a ${node.kind} task is not started by a person`);
      if (task.status !== 'ASSIGNED') return refuse(`${label}; only an ASSIGNED task can be started`);
      return task.ownerId === user.id ? OK : refuse(`only the owner of task ${task.id} may start it`, 'permission');
    case 'execute':
      if (!human) return refuse(`a ${node.kind} task is not executed by a person`);
      if (task.status !== 'STARTED' && task.status !== 'ASSIGNED') {
        return refuse(`${label}; only an ASSIGNED or STARTED task can be executed`);
      }
      return task.ownerId === user.id ? OK : refuse(`only the owner of task ${task.id} may execute it`, 'permission');
    case 'run':
      if (node.kind !== 'handle') return refuse(`a ${node.kind} task cannot be run from code`);
      return task.status === 'NEW' ? OK : refuse(`${label}; only a NEW handle task can be run`);
    case 'cancel':
      if (!canCancel(node, task.status)) return refuse(`${label} and cannot be canceled`);
      return manager ? OK : refuse(`cancel needs the ${spec.permissions.manage} permission`, 'permission');
    case 'revive':
      if (!kind.revivable) return refuse(`a ${node.kind} task cannot be revived`);
      if (task.status !== 'CANCELED' && task.status !== 'ERROR') return refuse(`${label}; only a CANCELED or ERROR task can be revived`);
      return manager ? OK : refuse(`revive needs the ${spec.permissions.manage} permission`, 'permission');
  }
}

export function ensure(step: Step, process: ProcessState, task: TaskState, action: TaskAction, options: ActionOptions = {}): void {
  const verdict = check(step, process, task, action, options);
  if (verdict.ok) return;
  const message = `Cannot ${action} task ${task.id}: ${verdict.reason}`;
  if (verdict.kind === 'permission') throw new PermissionDeniedError(message);
  throw new TransitionError(message, task.id, action, task.status);
}

export async function perform(step: Step, process: ProcessState, task: TaskState, action: TaskAction, options: ActionOptions = {}): Promise<void> {
  ensure(step, process, task, action, options);
  const spec = step.spec(process);
  const node = spec.node(task.node);
  const now = step.now;
  switch (action) {
    case 'assign':
    case 'reassign':
      task.ownerId = options.to ?? step.user.id;
      task.status = 'ASSIGNED';
      task.assigned = now;
      step.emitTask('task.assigned', task);
      return;
    case 'unassign':
      task.ownerId = null;
      task.status = 'NEW';
      task.assigned = null;
      return;
    case 'start':
      startTask(step, task);
      return;
    case 'execute':
      if (task.status === 'ASSIGNED') startTask(step, task);
      // Validated before the flow goes on, so no gateway or handler ever acts
      // on data the schema refuses. Spreading copies keys as plain data: a
      // "__proto__" key from parsed JSON cannot change the object's prototype.
      if (options.data) {
        refuseUnknownFields(spec, options.data, `process ${process.id}`);
        process.data = parseData(spec, { ...process.data, ...options.data }, `process ${process.id}`);
      }
      if (options.taskData) task.data = { ...task.data, ...options.taskData };
      await done(step, task);
      return;
    case 'run': {
      startTask(step, task);
      if (options.taskData) task.data = { ...task.data, ...options.taskData };
      const handler = (node as HandleNode).handler;
      if (handler) await spec.call(handler, step.activation(process, task), ...(options.args ?? []));
      await done(step, task);
      return;
    }
    case 'cancel':
      await cancelTask(step, task);
      return;
    case 'undo':
      await undo(step, process, task, node);
      return;
    case 'revive':
      await revive(step, process, task, node);
      return;
  }
}

function startTask(step: Step, task: TaskState): void {
  task.status = 'STARTED';
  task.started = step.now;
  step.emitTask('task.started', task);
}

/** The tasks `task` led to that are still DONE or active: undo must wait for them. */
export async function undoBlockers(step: Step, task: TaskState): Promise<TaskState[]> {
  const leading = await step.loadTasks(await step.deps.repo.leadingTasks(step.trx, task.processId, task.id));
  return leading.filter((t) => t.status !== 'CANCELED' && t.status !== 'REVIVED');
}

async function undo(step: Step, process: ProcessState, task: TaskState, node: Node): Promise<void> {
  const blocking = await undoBlockers(step, task);
  if (blocking.length) {
    throw new TransitionError(
      `Cannot undo task ${task.id}: it led to ${blocking.map((t) => `task ${t.id} (${t.node}, ${t.status})`).join(', ')}; cancel those first`,
      task.id,
      'undo',
      task.status,
    );
  }
  const spec = step.spec(process);
  const hook = (node as ViewNode).onUndo;
  if (hook) await spec.call(hook, step.activation(process, task));
  task.status = 'CANCELED';
  task.finished = step.now;
  step.emitTask('task.canceled', task);
  if (node.kind === 'start' || node.kind === 'startHandle') {
    process.status = 'CANCELED';
    process.finished = step.now;
    step.emit('process.canceled', { flow: process.flow, process: { ...process } });
  } else if (node.kind === 'end' && process.status === 'DONE') {
    process.status = 'NEW';
    process.finished = null;
  }
}

async function revive(step: Step, process: ProcessState, task: TaskState, node: Node): Promise<void> {
  const previous = task.previous.map((id) => ({ id }));
  const { error: _error, ...data } = task.data;
  task.status = 'REVIVED';
  task.finished = step.now;
  step.schedule({ spec: step.spec(process), process, node, token: task.token, previous: [...previous, task], data });
}
