/**
 * What each node kind does when the flow reaches it, and which of the
 * management transitions (cancel, undo, revive) it allows from which
 * status. New kinds (jobs, timers, subprocesses) register here.
 */
import type { FlowSpec } from '../flow/build.ts';
import type { Node, IfNode, SwitchNode, SplitNode, JoinNode, FunctionNode, ViewNode, AssignSpec, PermissionSpec } from '../flow/nodes.ts';
import { Ref } from '../flow/refs.ts';
import { TransitionError } from '../errors.ts';
import { isActive, type TaskState, type TaskStatus } from './model.ts';
import { flowRuntimeError, type Arrival, type Step } from './step.ts';

export interface KindBehaviour {
  /** Creates the task for an arrival and does what the node does on arrival. */
  reach(step: Step, arrival: Arrival): Promise<void>;
  /** Statuses a task of this kind may be canceled from (ERROR always may). */
  cancelFrom: readonly TaskStatus[];
  /** Whether a DONE task may be undone. */
  undoable: boolean;
  /** Whether a CANCELED/ERROR task may be revived. */
  revivable: boolean;
  /** Extra work when a task of this kind is canceled (e.g. cancel child processes). */
  onCancel?(step: Step, task: TaskState): Promise<void>;
}

const kinds = new Map<string, KindBehaviour>();

export function registerKind(kind: string, behaviour: KindBehaviour): void {
  kinds.set(kind, behaviour);
}

/** The behaviour registered for a kind, so another layer can extend it. */
export function behaviourOf(kind: string): KindBehaviour | undefined {
  return kinds.get(kind);
}

export function kindOf(node: Node): KindBehaviour {
  const behaviour = kinds.get(node.kind);
  if (!behaviour) throw new Error(`no behaviour registered for node kind "${node.kind}"`);
  return behaviour;
}

export async function reach(step: Step, arrival: Arrival): Promise<void> {
  await kindOf(arrival.node).reach(step, arrival);
}

/** The codename (or group list) a human node's queue filters on. */
export function ownerPermissionOf(spec: FlowSpec, node: Node): string | null {
  const permission = (node as { permission?: PermissionSpec }).permission;
  if (typeof permission === 'string') return permission;
  if (permission && typeof permission === 'object') {
    if ('autoCreate' in permission) return spec.nodeCodename(node);
    if ('groups' in permission) return `groups:${permission.groups.join(',')}`;
  }
  return null;
}

async function initialOwner(step: Step, arrival: Arrival, task: TaskState): Promise<number | null> {
  const spec = (arrival.node as ViewNode).assign as AssignSpec | undefined;
  if (spec === undefined) return null;
  if (typeof spec === 'number') return spec;
  if (typeof spec === 'function') return (await spec(step.activation(arrival.process, task))) ?? null;
  if (spec instanceof Ref) return (await arrival.spec.call<number>(spec, step.activation(arrival.process, task))) ?? null;
  const name = spec.ownerOf.name;
  const inStep = [...step.tasks.values()].filter((t) => t.processId === arrival.process.id && t.node === name && t.ownerId != null);
  if (inStep.length) return inStep[inStep.length - 1]!.ownerId;
  const row = await step.deps.repo.latestTaskOfNode(step.trx, arrival.process.id, `${arrival.spec.label}.${name}`);
  return row?.owner_id == null ? null : Number(row.owner_id);
}

/** Human tasks wait for a person: NEW, or ASSIGNED when `.Assign` names one. */
async function reachHuman(step: Step, arrival: Arrival): Promise<void> {
  const task = await step.createTask(arrival, { ownerPermission: ownerPermissionOf(arrival.spec, arrival.node) });
  await step.guard(task, async () => {
    const owner = await initialOwner(step, arrival, task);
    if (owner == null) return;
    task.ownerId = owner;
    task.status = 'ASSIGNED';
    task.assigned = step.now;
    step.emitTask('task.assigned', task);
  });
}

/** Nodes that do their work at once; the work completes the task. User
 * code runs guarded: in a background step its failure leaves the task in ERROR. */
function immediate(work: (step: Step, arrival: Arrival, task: TaskState) => Promise<void>): KindBehaviour['reach'] {
  return async (step, arrival) => {
    const task = await step.createTask(arrival);
    await step.guard(task, () => work(step, arrival, task));
  };
}

const GATEWAY = { cancelFrom: [] as TaskStatus[], undoable: true, revivable: true };

registerKind('view', { reach: reachHuman, cancelFrom: ['NEW', 'ASSIGNED'], undoable: true, revivable: true });
registerKind('start', { reach: reachHuman, cancelFrom: [], undoable: true, revivable: false });
registerKind('startHandle', { reach: immediate((step, _arrival, task) => done(step, task)), cancelFrom: [], undoable: true, revivable: false });
registerKind('handle', {
  reach: async (step, arrival) => {
    await step.createTask(arrival);
  },
  cancelFrom: ['NEW'],
  undoable: true,
  revivable: true,
});

registerKind('function', {
  ...GATEWAY,
  reach: immediate(async (step, arrival, task) => {
    await arrival.spec.call((arrival.node as FunctionNode).handler, step.activation(arrival.process, task));
    await done(step, task);
  }),
});

registerKind('if', {
  ...GATEWAY,
  reach: immediate(async (step, arrival, task) => {
    const node = arrival.node as IfNode;
    const decision = Boolean(await arrival.spec.call(node.condition, step.activation(arrival.process, task)));
    // Registration guarantees both branches.
    const edge = node.resolved.find((r) => r.edge.label === (decision ? 'then' : 'else'))!;
    await done(step, task, [edge.node]);
  }),
});

registerKind('switch', {
  ...GATEWAY,
  reach: immediate(async (step, arrival, task) => {
    const node = arrival.node as SwitchNode;
    const activation = step.activation(arrival.process, task);
    for (const { node: target, edge } of node.resolved) {
      if (edge.case && (await arrival.spec.call(edge.case, activation))) return done(step, task, [target]);
    }
    const fallback = node.resolved.find((r) => r.edge.label === 'default');
    if (!fallback) throw flowRuntimeError(arrival.spec, node, 'no case matched and there is no Default');
    await done(step, task, [fallback.node]);
  }),
});

/** Creates one branch per true case (one per item with a data source). */
async function branch(step: Step, arrival: Arrival, task: TaskState): Promise<number> {
  const node = arrival.node as SplitNode;
  const activation = step.activation(arrival.process, task);
  let n = 0;
  for (const { node: target, edge } of node.resolved) {
    if (edge.case && !(await arrival.spec.call(edge.case, activation))) continue;
    const items = edge.dataSource ? await arrival.spec.call<unknown[]>(edge.dataSource, activation) : [undefined];
    if (!Array.isArray(items)) throw flowRuntimeError(arrival.spec, node, 'a data source must return an array');
    for (const item of items) {
      n++;
      step.schedule({
        spec: arrival.spec,
        process: arrival.process,
        node: target,
        token: `${task.token}/${task.id}_${n}`,
        previous: [task],
        data: edge.dataSource ? { item } : undefined,
      });
    }
  }
  if (n === 0) throw flowRuntimeError(arrival.spec, node, 'no branch was taken (every case was false or every data source empty)');
  return n;
}

registerKind('split', {
  ...GATEWAY,
  reach: immediate(async (step, arrival, task) => {
    await branch(step, arrival, task);
    await done(step, task, []);
  }),
});

registerKind('splitFirst', {
  cancelFrom: ['STARTED'],
  undoable: false,
  revivable: false,
  // Canceling the race cancels its runners (all or none), or each would go on alone.
  onCancel: async (step, task) => {
    const prefix = `${task.token}/${task.id}_`;
    step.takeQueued((a) => a.process.id === task.processId && a.token.startsWith(prefix));
    const branches = step.activeTasks(task.processId).filter((t) => t.token.startsWith(prefix));
    await cancelAll(step, branches, `SplitFirst task ${task.id} is canceled`);
  },
  reach: immediate(async (step, arrival, task) => {
    task.status = 'STARTED';
    task.started = step.now;
    await branch(step, arrival, task);
  }),
});

/** Splits a branch token `T/<split id>_<n>` into its parts. */
export function parseBranchToken(token: string): { parent: string; splitId: number } | undefined {
  const cut = token.lastIndexOf('/');
  if (cut < 0) return undefined;
  const match = /^(\d+)_\d+$/.exec(token.slice(cut + 1));
  return match ? { parent: token.slice(0, cut), splitId: Number(match[1]) } : undefined;
}

/** Cancels tasks for a Join or SplitFirst that goes on early: all or none. */
export async function cancelAll(step: Step, tasks: TaskState[], reason: string): Promise<void> {
  for (const task of tasks) {
    const node = step.spec(step.processes.get(task.processId)!).node(task.node);
    if (!canCancel(node, task.status)) {
      throw new TransitionError(
        `${reason}: task ${task.id} (${node.name}) is ${task.status} and cannot be canceled; nothing was changed`,
        task.id,
        'cancel',
        task.status,
      );
    }
  }
  for (const task of tasks) await cancelTask(step, task);
}

export function canCancel(node: Node, status: TaskStatus): boolean {
  return status === 'ERROR' || kindOf(node).cancelFrom.includes(status);
}

export async function cancelTask(step: Step, task: TaskState): Promise<void> {
  // A cascade (a canceled race canceling its branches) may have got here first.
  if (!isActive(task.status)) return;
  const process = step.processes.get(task.processId)!;
  const node = step.spec(process).node(task.node);
  task.status = 'CANCELED';
  task.finished = step.now;
  step.emitTask('task.canceled', task);
  step.markCanceled(process);
  await kindOf(node).onCancel?.(step, task);
}

registerKind('join', {
  cancelFrom: ['NEW', 'STARTED'],
  undoable: true,
  revivable: false,
  reach: async (step, arrival) => {
    const node = arrival.node as JoinNode;
    const branchToken = parseBranchToken(arrival.token);
    const token = branchToken?.parent ?? arrival.token;
    const open = step.activeTasks(arrival.process.id).filter((t) => t.node === node.name && (t.status === 'STARTED' || t.status === 'NEW'));
    // Joins of one node may run side by side in sibling branches (a join per
    // item of a dynamic split); one waiting inside or around this token's
    // branch means the join is fed by two nested splits.
    const crossed = open.find((t) => t.token !== token && (token.startsWith(`${t.token}/`) || t.token.startsWith(`${token}/`)));
    if (crossed) {
      throw flowRuntimeError(
        arrival.spec,
        node,
        `received branches of two different splits (tokens ${crossed.token} and ${arrival.token}); a Join must close exactly one split`,
      );
    }
    let join = open.find((t) => t.token === token);
    if (join) {
      const expected = join.data.splitTaskId;
      if (branchToken && expected !== undefined && expected !== branchToken.splitId) {
        throw flowRuntimeError(
          arrival.spec,
          node,
          `received branches of two different splits (task ${expected} and task ${branchToken.splitId}); a Join must close exactly one split`,
        );
      }
      for (const previous of arrival.previous) join.previous.push(previous.id);
    } else {
      join = await step.createTask(
        { ...arrival, token },
        { status: 'STARTED', started: step.now, data: branchToken ? { splitTaskId: branchToken.splitId } : {} },
      );
    }
    // Branches that finished in this same step are queued behind this one:
    // they arrive at this join now, or each would find it done and start another.
    const siblings = step.takeQueued(
      (a) => a.node === node && a.process.id === arrival.process.id && (parseBranchToken(a.token)?.parent ?? a.token) === token,
    );
    for (const sibling of siblings) {
      const splitId = parseBranchToken(sibling.token)?.splitId;
      if (splitId !== join.data.splitTaskId) {
        throw flowRuntimeError(
          arrival.spec,
          node,
          `received branches of two different splits (task ${join.data.splitTaskId} and task ${splitId}); a Join must close exactly one split`,
        );
      }
      for (const previous of sibling.previous) join.previous.push(previous.id);
    }
    const prefix = branchToken ? `${token}/${branchToken.splitId}_` : undefined;
    const waiting = prefix ? step.activeTasks(arrival.process.id).filter((t) => t.id !== join.id && t.token.startsWith(prefix)) : [];
    if (waiting.length) {
      if (!node.continueWhen) return;
      const condition = node.continueWhen;
      let go = false;
      const ok = await step.guard(join, async () => {
        go = Boolean(await arrival.spec.call(condition, step.activation(arrival.process, join)));
      });
      if (!ok || !go) return;
      await cancelAll(step, waiting, `Join "${node.name}" of process ${arrival.process.id} continues early`);
    }
    await done(step, join);
  },
});

registerKind('end', {
  cancelFrom: [],
  undoable: true,
  revivable: true,
  reach: async (step, arrival) => {
    const task = await step.createTask(arrival, { status: 'DONE', finished: step.now });
    step.emitTask('task.finished', task);
    step.markEndReached(arrival.process);
  },
});

registerKind('obsolete', {
  cancelFrom: ['NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'DONE'],
  undoable: false,
  revivable: false,
  reach: async (_step, arrival) => {
    throw flowRuntimeError(arrival.spec, arrival.node, 'an obsolete node cannot be reached');
  },
});

/**
 * Marks a task DONE and continues the flow to `nodes` (default: all the
 * node's successors). A direct branch task of a running SplitFirst that
 * finishes first cancels its siblings (all or none), closes the split and
 * continues with the split's own token.
 */
export async function done(step: Step, task: TaskState, nodes?: Node[]): Promise<void> {
  const process = step.processes.get(task.processId)!;
  const spec = step.spec(process);
  let token = task.token;
  const parsed = parseBranchToken(task.token);
  const split = parsed && step.tasks.get(parsed.splitId);
  if (parsed && split && split.status === 'STARTED' && spec.node(split.node).kind === 'splitFirst') {
    const prefix = `${parsed.parent}/${parsed.splitId}_`;
    const siblings = step.activeTasks(task.processId).filter((t) => t.id !== task.id && t.token.startsWith(prefix));
    await cancelAll(step, siblings, `SplitFirst task ${split.id}: task ${task.id} finished first`);
    // Branches queued in this step but not reached yet are never created.
    step.takeQueued((a) => a.process.id === task.processId && a.token.startsWith(prefix));
    split.status = 'DONE';
    split.finished = step.now;
    step.emitTask('task.finished', split);
    token = parsed.parent;
  }
  task.status = 'DONE';
  task.finished = step.now;
  step.emitTask('task.finished', task);
  // An edge taken on an event (a human task's timeout) is not a successor on completion.
  const next = nodes ?? spec.node(task.node).resolved.filter((r) => !r.edge.event).map((r) => r.node);
  step.continueFrom(process, task, next, token);
}
