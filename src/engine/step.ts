/**
 * One step: everything an outside event changes, in one transaction. The
 * step holds the process and its active tasks in memory, runs the
 * activate-next loop over the tasks it creates, and writes the result
 * through its unit of work at the end.
 */
import type { Kysely } from 'kysely';
import type { Database, TaskRow } from '../store/schema.ts';
import { taskFromRow, processFromRow, type Repository, type ProcessKey, type RowLock } from '../store/repository.ts';
import type { IdAllocator } from '../store/ids.ts';
import type { FlowSpec } from '../flow/build.ts';
import type { Node } from '../flow/nodes.ts';
import { DataValidationError, FlowRuntimeError, NotFoundError } from '../errors.ts';
import type { EngineEvent } from './events.ts';
import { isActive, type ProcessState, type TaskState } from './model.ts';
import { UnitOfWork } from './unit-of-work.ts';
import type { FlowUser } from './user.ts';
import { Activation } from './activation.ts';
import type { StateCache } from './state-cache.ts';

/** The flow has reached `node`: a task for it is due. */
export interface Arrival {
  spec: FlowSpec;
  process: ProcessState;
  node: Node;
  token: string;
  /** The tasks that led here (only their ids are used). */
  previous: ReadonlyArray<Pick<TaskState, 'id'>>;
  /** Task data to start with (a Split's item, a revived task's data). */
  data?: Record<string, unknown>;
}

/** Sync steps (code, web requests) let user-code errors propagate and roll
 * back; background steps (jobs, timers) put the failing task in ERROR. */
export type StepMode = 'sync' | 'background';

export interface StepDeps {
  repo: Repository;
  ids: IdAllocator;
  flowByLabel(label: string): FlowSpec;
  now(): number;
  /** What each node kind does when reached; see kinds.ts. */
  reach(step: Step, arrival: Arrival): Promise<void>;
  /** SQLite: rows the engine's last steps committed (see state-cache.ts). */
  cache?: StateCache;
}

export class Step {
  readonly uow = new UnitOfWork();
  readonly events: EngineEvent[] = [];
  /** Work that must run after commit, outside this step's lock. */
  readonly afterCommit: Array<() => Promise<void>> = [];
  readonly processes = new Map<number, ProcessState>();
  readonly tasks = new Map<number, TaskState>();
  private readonly pending: Arrival[] = [];
  private readonly joins: Arrival[] = [];
  private readonly endsReached = new Set<number>();
  private readonly canceledIn = new Set<number>();
  readonly now: number;

  constructor(
    readonly deps: StepDeps,
    readonly trx: Kysely<Database>,
    readonly user: FlowUser,
    readonly mode: StepMode,
  ) {
    this.now = deps.now();
  }

  /** Reads the process of `key` and its active tasks (plus `alsoTaskIds`). */
  async load(key: ProcessKey, lock: RowLock, alsoTaskIds: number[] = []): Promise<ProcessState> {
    const cached = this.deps.cache?.get(key, alsoTaskIds);
    const row = cached ? cached.process : await this.deps.repo.loadProcess(this.trx, key, lock);
    if (!row) {
      throw new NotFoundError('processId' in key ? `Process ${key.processId} does not exist` : `Task ${key.taskId} does not exist`);
    }
    const process = processFromRow<Record<string, unknown>>(row);
    this.processes.set(process.id, process);
    this.uow.trackProcess(process, row);
    this.adopt(cached ? cached.tasks : await this.deps.repo.loadStepTasks(this.trx, process.id, alsoTaskIds), process.flow);
    return process;
  }

  /** Loads tasks of the step's processes that are not in memory yet. */
  async loadTasks(rows: TaskRow[]): Promise<TaskState[]> {
    const flow = (id: number) => this.processes.get(id)?.flow;
    return rows.map((row) => {
      const known = this.tasks.get(Number(row.id));
      if (known) return known;
      const label = flow(Number(row.process_id));
      if (!label) throw new Error(`task ${row.id} belongs to a process this step has not loaded`);
      return this.adopt([row], label)[0]!;
    });
  }

  private adopt(rows: TaskRow[], flow: string): TaskState[] {
    return rows.map((row) => {
      const task = taskFromRow(row);
      this.tasks.set(task.id, task);
      this.uow.trackTask(task, row, flow);
      return task;
    });
  }

  spec(process: ProcessState): FlowSpec {
    return this.deps.flowByLabel(process.flow);
  }

  activation(process: ProcessState, task: TaskState): Activation {
    const spec = this.spec(process);
    return new Activation(this, spec, process, task, spec.node(task.node));
  }

  activeTasks(processId: number): TaskState[] {
    return [...this.tasks.values()].filter((t) => t.processId === processId && isActive(t.status));
  }

  emit<E extends EngineEvent>(name: E['name'], payload: E['payload']): void {
    this.events.push({ name, payload } as EngineEvent);
  }

  emitTask(name: 'task.created' | 'task.assigned' | 'task.started' | 'task.finished' | 'task.canceled', task: TaskState): void {
    this.emit(name, { flow: this.processes.get(task.processId)!.flow, task: { ...task, previous: [...task.previous] } });
  }

  /** Creates a process (new, not yet started). */
  async newProcess(spec: FlowSpec, data: unknown, parentTaskId: number | null = null): Promise<ProcessState> {
    const [id] = await this.deps.ids.take(this.trx, 1);
    const process: ProcessState = {
      id: id!,
      flow: spec.label,
      status: 'NEW',
      created: this.now,
      finished: null,
      data: parseData(spec, data, 'new process'),
      parentTaskId,
      artifactType: null,
      artifactId: null,
      seedType: null,
      seedId: null,
      version: 0,
    };
    this.processes.set(process.id, process);
    this.uow.addProcess(process);
    return process;
  }

  /** Creates the task for an arrival, linked to the tasks that led to it. */
  async createTask(arrival: Arrival, fields: Partial<TaskState> = {}): Promise<TaskState> {
    const [id] = await this.deps.ids.take(this.trx, 1);
    const task: TaskState = {
      id: id!,
      processId: arrival.process.id,
      node: arrival.node.name,
      taskType: arrival.node.taskType,
      status: 'NEW',
      created: this.now,
      assigned: null,
      started: null,
      finished: null,
      scheduled: null,
      token: arrival.token,
      externalTaskId: null,
      ownerId: null,
      ownerPermission: null,
      data: arrival.data ? { ...arrival.data } : {},
      comments: null,
      previous: arrival.previous.map((p) => p.id),
      ...fields,
    };
    this.tasks.set(task.id, task);
    this.uow.addTask(task, arrival.spec.label);
    this.emitTask('task.created', task);
    return task;
  }

  /** Queues arrivals at `nodes`, reached from `task`. */
  continueFrom(process: ProcessState, task: TaskState, nodes: Node[], token = task.token, data?: Record<string, unknown>): void {
    const spec = this.spec(process);
    for (const node of nodes) this.schedule({ spec, process, node, token, previous: [task], data });
  }

  schedule(arrival: Arrival): void {
    (arrival.node.kind === 'join' ? this.joins : this.pending).push(arrival);
  }

  markEndReached(process: ProcessState): void {
    this.endsReached.add(process.id);
  }

  /** A task of the process was canceled: it may have been the last one
   * active after an End was reached earlier, so completion is rechecked. */
  markCanceled(process: ProcessState): void {
    this.canceledIn.add(process.id);
  }

  /** Removes and returns queued arrivals that match (e.g. more branches for a join). */
  takeQueued(match: (arrival: Arrival) => boolean): Arrival[] {
    const taken: Arrival[] = [];
    for (const queue of [this.pending, this.joins]) {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (match(queue[i]!)) taken.unshift(...queue.splice(i, 1));
      }
    }
    return taken;
  }

  /** The activate-next loop. Joins wait until nothing else is pending. */
  async run(): Promise<void> {
    for (;;) {
      const arrival = this.pending.shift() ?? this.joins.shift();
      if (!arrival) break;
      await this.deps.reach(this, arrival);
    }
    for (const id of new Set([...this.endsReached, ...this.canceledIn])) {
      const process = this.processes.get(id)!;
      if (process.status !== 'NEW' || this.activeTasks(id).length > 0) continue;
      if (!this.endsReached.has(id) && !(await this.deps.repo.hasFinishedEnd(this.trx, id))) continue;
      process.status = 'DONE';
      process.finished = this.now;
      this.emit('process.finished', { flow: process.flow, process: { ...process } });
    }
    this.endsReached.clear();
    this.canceledIn.clear();
  }

  async flush(): Promise<void> {
    this.deps.cache?.forget(this.processes.keys());
    const statements = this.deps.cache?.statements;
    if (statements) statements.stepWriting = true;
    try {
      await this.uow.flush(this.trx, this.deps.repo, (process) => {
        process.data = parseData(this.spec(process), process.data, `process ${process.id}`) as Record<string, unknown>;
      });
    } finally {
      if (statements) statements.stepWriting = false;
    }
  }

  /** Runs a node's user code. In a background step a failure puts the task
   * in ERROR and undoes only what this node did; in a sync step it throws. */
  async guard(task: TaskState, run: () => Promise<void>): Promise<boolean> {
    if (this.mode === 'sync') {
      await run();
      return true;
    }
    const checkpoint = this.uow.checkpoint();
    const pendingLength = this.pending.length;
    const joinsLength = this.joins.length;
    const eventsLength = this.events.length;
    try {
      await run();
      // Data the node wrote is checked here, so a bad write fails this node
      // rather than the whole background step at commit.
      const process = this.processes.get(task.processId)!;
      process.data = parseData(this.spec(process), process.data, `process ${process.id}, written by node "${task.node}"`);
      return true;
    } catch (error) {
      for (const id of this.uow.restore(checkpoint)) this.tasks.delete(id);
      this.pending.length = Math.min(this.pending.length, pendingLength);
      this.joins.length = Math.min(this.joins.length, joinsLength);
      this.events.length = eventsLength;
      this.fail(task, error);
      return false;
    }
  }

  fail(task: TaskState, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    task.status = 'ERROR';
    task.data = { ...task.data, error: { message: err.message, stack: err.stack ?? null, at: this.now } };
    this.emit('task.failed', {
      flow: this.processes.get(task.processId)!.flow,
      task: { ...task },
      error: { message: err.message, stack: err.stack },
    });
  }
}

/**
 * Refuses fields an object schema does not declare: zod would drop them
 * silently, and a misspelled field would then just not be set.
 */
export function refuseUnknownFields(spec: FlowSpec, fields: Record<string, unknown>, where: string): void {
  const schema = spec.schema as { shape?: Record<string, unknown>; def?: { catchall?: unknown } } | undefined;
  if (!schema?.shape || schema.def?.catchall) return;
  const unknown = Object.keys(fields).filter((key) => !Object.prototype.hasOwnProperty.call(schema.shape, key));
  if (unknown.length) {
    throw new DataValidationError(
      `flow ${spec.label}, ${where}`,
      unknown.map((path) => ({ path, message: `unknown field (the schema has ${Object.keys(schema.shape!).join(', ')})` })),
    );
  }
}

/** Validates data against the flow's schema, applying its defaults. */
export function parseData(spec: FlowSpec, data: unknown, where: string): Record<string, unknown> {
  if (!spec.schema) return (data ?? {}) as Record<string, unknown>;
  const result = spec.schema.safeParse(data ?? {});
  if (!result.success) {
    throw new DataValidationError(
      `flow ${spec.label}, ${where}`,
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  return result.data as Record<string, unknown>;
}

export function flowRuntimeError(spec: FlowSpec, node: Node, message: string): FlowRuntimeError {
  return new FlowRuntimeError(`flow ${spec.label}, node "${node.name}": ${message}`);
}
