/**
 * The engine: registered flows over one database. Every public method that
 * changes something is one step (lock, transaction, transition, the
 * activate-next loop, commit, unlock); events and after-commit work run
 * once the step has committed and its lock is released.
 */
import { buildFlow, type FlowSpec } from '../flow/build.ts';
import type { DataOf, FlowClass } from '../flow/flow.ts';
import type { Node } from '../flow/nodes.ts';
import { FlowDefinitionError, NotFoundError, PermissionDeniedError } from '../errors.ts';
import { openDatabase, type DatabaseSettings, type OpenDatabase } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';
import { Repository, processFromRow, taskFromRow, type ProcessKey } from '../store/repository.ts';
import { IdAllocator } from '../store/ids.ts';
import { noLock } from '../lock/none.ts';
import type { LockStrategy, StepAttempt } from '../lock/strategy.ts';
import { EventBus, type EngineEventName, type EngineEvents } from './events.ts';
import type { ProcessInfo, TaskInfo, TaskSnapshot, TaskState, ProcessState } from './model.ts';
import { stateCacheOf } from './state-cache.ts';
import { Step, refuseUnknownFields, type StepDeps, type StepMode } from './step.ts';
import { SYSTEM_USER, type FlowUser } from './user.ts';
import { done, reach } from './kinds.ts';
import { check, mayTake, perform, undoBlockers, TASK_ACTIONS, type ActionOptions, type TaskAction, type Verdict } from './actions.ts';
import type { Activation } from './activation.ts';
import { cancelProcess } from './cancel-process.ts';
import { requireId, requireUser } from './arguments.ts';

export interface EngineOptions {
  /** A database URL (default `sqlite:./flowlane.db`) or an open database. */
  database?: string | OpenDatabase;
  flows: FlowClass[];
  /** Apply pending migrations on start (default true; run `flowlane migrate` in production and pass false). */
  migrate?: boolean;
  settings?: DatabaseSettings;
  /** The lock of flows that declare none (default: lock.none). */
  lock?: LockStrategy;
  /** Clock, for tests. */
  now?: () => number;
  /** Where listener errors and warnings go (default: console). */
  logger?: Pick<Console, 'warn' | 'error'>;
}

type StartNodeName<F extends FlowClass> = {
  [K in keyof InstanceType<F>]: InstanceType<F>[K] extends Node ? K : never;
}[keyof InstanceType<F>] &
  string;

export interface StartOptions<D> {
  data?: Partial<D>;
  user?: FlowUser;
  /** Passed to a StartHandle's handler after the activation. */
  args?: unknown[];
}

/** Where a caller expects a task to be (e.g. the flow, process and node in a URL);
 * a task elsewhere is reported as not found, so ids cannot be probed across flows. */
export interface TaskScope {
  flow?: string;
  processId?: number;
  node?: string;
}

function inScope(process: ProcessState, task: TaskState, scope: TaskScope = {}): boolean {
  return (
    (scope.flow === undefined || scope.flow === process.flow) &&
    (scope.processId === undefined || scope.processId === task.processId) &&
    (scope.node === undefined || scope.node === task.node)
  );
}

function describeScope(scope: TaskScope = {}): string {
  const parts = [
    scope.flow !== undefined && `flow ${scope.flow}`,
    scope.processId !== undefined && `process ${scope.processId}`,
    scope.node !== undefined && `node ${scope.node}`,
  ].filter(Boolean);
  return parts.length ? ` in ${parts.join(', ')}` : '';
}

export interface TaskContext {
  process: ProcessState;
  task: TaskState;
  activation: Activation;
  step: Step;
  check(action: TaskAction, options?: ActionOptions): Verdict;
  perform(action: TaskAction, options?: ActionOptions): Promise<void>;
}

/** Set-up that other layers run on every new engine (jobs: a finished
 * subprocess completes its parent task, with no worker needed). */
const engineSetups: Array<(engine: Engine) => void> = [];

export function onEngineCreated(setup: (engine: Engine) => void): void {
  engineSetups.push(setup);
}

export class Engine {
  readonly flows: readonly FlowSpec[];
  readonly repo: Repository;
  readonly logger: Pick<Console, 'warn' | 'error'>;
  private readonly bus: EventBus;
  private readonly byLabel = new Map<string, FlowSpec>();
  private readonly byClass = new Map<FlowClass, FlowSpec>();
  private readonly ids: IdAllocator;
  private readonly deps: StepDeps;
  private readonly defaultLock: LockStrategy;
  private readonly ownsDatabase: boolean;
  /** Every flow has the same lock: a step need not ask which flow a task is of. */
  private readonly oneLock: boolean;
  /** After-commit hooks of other layers (jobs queue hand-off, parent completion). */
  private readonly committedHooks: Array<(step: Step) => Promise<void> | void> = [];

  constructor(
    readonly database: OpenDatabase,
    options: EngineOptions,
    ownsDatabase: boolean,
  ) {
    this.ownsDatabase = ownsDatabase;
    this.logger = options.logger ?? console;
    this.bus = new EventBus((error, event) => this.logger.error(`flowlane: a listener of ${event} failed:`, error));
    this.repo = new Repository(database.dialect);
    this.ids = new IdAllocator(database.sequence, database.dialect);
    this.defaultLock = options.lock ?? noLock;
    for (const cls of options.flows) this.register(cls);
    this.flows = [...this.byLabel.values()];
    this.oneLock = new Set(this.flows.map((f) => this.lockOf(f))).size <= 1;
    this.deps = {
      repo: this.repo,
      ids: this.ids,
      flowByLabel: (label) => this.flow(label),
      now: options.now ?? Date.now,
      reach,
      cache: stateCacheOf(database, this.repo),
    };
    for (const setup of engineSetups) setup(this);
  }

  private register(cls: FlowClass): void {
    if (this.byClass.has(cls)) return;
    const spec = buildFlow(cls);
    const other = this.byLabel.get(spec.label);
    if (other) {
      throw new FlowDefinitionError(`flows ${other.cls.name} and ${cls.name} both have the label "${spec.label}"; set static label on one of them`);
    }
    this.byLabel.set(spec.label, spec);
    this.byClass.set(cls, spec);
  }

  /** The registered flow of a class or label. */
  flow(flow: FlowClass | string): FlowSpec {
    const spec = typeof flow === 'string' ? this.byLabel.get(flow) : this.byClass.get(flow);
    if (!spec) {
      const name = typeof flow === 'string' ? `"${flow}"` : flow.name;
      throw new NotFoundError(`Flow ${name} is not registered with this engine`);
    }
    return spec;
  }

  on<K extends EngineEventName>(name: K, listener: (payload: EngineEvents[K]) => void | Promise<void>): () => void {
    return this.bus.on(name, listener);
  }

  /** Registers work to run after every committed step (used by jobs and
   * subprocesses); returns a function that removes it (a stopped worker). */
  onCommitted(hook: (step: Step) => Promise<void> | void): () => void {
    this.committedHooks.push(hook);
    return () => {
      const at = this.committedHooks.indexOf(hook);
      if (at >= 0) this.committedHooks.splice(at, 1);
    };
  }

  /** The engine's clock (EngineOptions.now): due times of timers and jobs use it. */
  now(): number {
    return this.deps.now();
  }

  lockOf(spec: FlowSpec): LockStrategy {
    return spec.lock ?? this.defaultLock;
  }

  /**
   * Runs one step: take the lock, begin the transaction, run `body` and the
   * activate-next loop, write, commit, release; then events and after-commit work.
   */
  async step<T>(
    target: { key: ProcessKey; spec?: FlowSpec } | { spec: FlowSpec; key?: undefined },
    options: { user?: FlowUser; mode?: StepMode },
    body: (step: Step, attempt: StepAttempt) => Promise<T>,
  ): Promise<T> {
    const user = options.user ?? SYSTEM_USER;
    const mode = options.mode ?? 'sync';
    const spec = target.spec ?? (target.key ? await this.flowOfKey(target.key) : undefined);
    const strategy = spec ? this.lockOf(spec) : this.defaultLock;
    let processId: number | undefined;
    if (target.key && strategy.needsProcessId) {
      processId = 'processId' in target.key ? target.key.processId : await this.repo.processIdOfTask(this.database.db, target.key.taskId);
      if (processId === undefined) throw new NotFoundError(`Task ${(target.key as { taskId: number }).taskId} does not exist`);
    }
    let committed!: Step;
    const result = await strategy.run(processId, async (attempt) => {
      try {
        const value = await this.database.db.transaction().execute(async (trx) => {
          await this.deps.cache?.validate(trx);
          const step = new Step(this.deps, trx, user, mode);
          const value = await body(step, attempt);
          await step.run();
          await step.flush();
          committed = step;
          return value;
        });
        this.deps.cache?.remember(committed.uow.flushed);
        this.ids.committed();
        return value;
      } catch (error) {
        this.ids.rolledBack();
        throw error;
      }
    });
    await this.bus.emit(committed.events);
    for (const hook of this.committedHooks) await hook(committed);
    for (const work of committed.afterCommit) await work();
    return result;
  }

  /** Which flow a process or task belongs to; when every flow has the same
   * lock, any of them answers without a query. */
  private async flowOfKey(key: ProcessKey): Promise<FlowSpec | undefined> {
    if (this.oneLock) return this.flows[0];
    const row =
      'processId' in key ? await this.repo.getProcess(this.database.db, key.processId) : await this.repo.getTask(this.database.db, key.taskId);
    if (!row) throw new NotFoundError('processId' in key ? `Process ${key.processId} does not exist` : `Task ${key.taskId} does not exist`);
    return this.flow(row.flow);
  }

  /** Starts a process through a Start (as `user`) or StartHandle node. */
  async start<F extends FlowClass>(cls: F, nodeName: StartNodeName<F>, options: StartOptions<DataOf<F>> = {}): Promise<ProcessInfo<DataOf<F>>> {
    const spec = this.flow(cls);
    const node = spec.nodes.get(nodeName);
    if (!node || (node.kind !== 'start' && node.kind !== 'startHandle')) {
      throw new NotFoundError(`Flow ${spec.label} has no start node "${nodeName}"`);
    }
    const user = options.user ?? SYSTEM_USER;
    if (node.kind === 'start' && !mayTake(spec, node, user)) {
      throw new PermissionDeniedError(`${user.username} may not start ${spec.label} through "${node.name}"`);
    }
    return this.step({ spec }, { user }, async (step) => {
      if (options.data) refuseUnknownFields(spec, options.data, 'new process');
      const process = await step.newProcess(spec, options.data ?? {});
      step.emit('process.started', { flow: spec.label, process: { ...process } });
      const human = node.kind === 'start';
      const task = await step.createTask(
        { spec, process, node, token: 'start', previous: [] },
        human ? { status: 'STARTED', ownerId: user.id, assigned: step.now, started: step.now } : {},
      );
      const handler = (node as { handler?: unknown }).handler;
      if (handler) await spec.call(handler as never, step.activation(process, task), ...(options.args ?? []));
      await done(step, task);
      return process as ProcessInfo<DataOf<F>>;
    });
  }

  /**
   * Runs `body` inside a step on one task: the web layer's task views and
   * custom code use it to act on a task under the flow's lock.
   */
  async withTask<T>(taskId: number, options: { user?: FlowUser; mode?: StepMode; scope?: TaskScope }, body: (ctx: TaskContext) => Promise<T>): Promise<T> {
    requireId(taskId, 'taskId');
    requireUser(options.user);
    return this.step({ key: { taskId } }, options, async (step, attempt) => {
      const process = await step.load({ taskId }, attempt.processLock, [taskId]);
      const task = step.tasks.get(taskId);
      if (!task || !inScope(process, task, options.scope)) throw new NotFoundError(`Task ${taskId} does not exist${describeScope(options.scope)}`);
      return body({
        process,
        task,
        step,
        activation: step.activation(process, task),
        // Methods, not arrow properties: tsx names every arrow it assigns, a
        // defineProperty per step that showed in the engine's profile.
        check(action, opts) {
          return check(step, process, task, action, opts);
        },
        perform(action, opts) {
          return perform(step, process, task, action, opts);
        },
      });
    });
  }

  private async act(taskId: number, action: TaskAction, user: FlowUser | undefined, options: ActionOptions = {}): Promise<TaskSnapshot> {
    if (options.to !== undefined) requireId(options.to, 'to (the new owner\'s user id)');
    return this.withTask(taskId, { user }, async (ctx) => {
      await ctx.perform(action, options);
      return { ...ctx.task, data: structuredClone(ctx.task.data), flow: ctx.process.flow };
    });
  }

  assign(taskId: number, options: { user: FlowUser; to?: number }): Promise<TaskSnapshot> {
    return this.act(taskId, 'assign', options.user, { to: options.to });
  }
  unassign(taskId: number, options: { user: FlowUser }): Promise<TaskSnapshot> {
    return this.act(taskId, 'unassign', options.user);
  }
  reassign(taskId: number, options: { user: FlowUser; to: number }): Promise<TaskSnapshot> {
    return this.act(taskId, 'reassign', options.user, { to: options.to });
  }
  startTask(taskId: number, options: { user: FlowUser }): Promise<TaskSnapshot> {
    return this.act(taskId, 'start', options.user);
  }
  /** Completes a human task as its owner; `data` is merged into the process data. */
  execute(taskId: number, options: { user: FlowUser; data?: Record<string, unknown>; taskData?: Record<string, unknown> }): Promise<TaskSnapshot> {
    return this.act(taskId, 'execute', options.user, { data: options.data, taskData: options.taskData });
  }
  /** Runs a waiting Handle task from code. */
  runHandle(taskId: number, options: { user?: FlowUser; args?: unknown[]; taskData?: Record<string, unknown> } = {}): Promise<TaskSnapshot> {
    return this.act(taskId, 'run', options.user, { args: options.args, taskData: options.taskData });
  }
  cancelTask(taskId: number, options: { user?: FlowUser } = {}): Promise<TaskSnapshot> {
    return this.act(taskId, 'cancel', options.user);
  }
  undo(taskId: number, options: { user?: FlowUser } = {}): Promise<TaskSnapshot> {
    return this.act(taskId, 'undo', options.user);
  }
  /** Revives a CANCELED or ERROR task: a new task of the same node continues the flow. */
  revive(taskId: number, options: { user?: FlowUser } = {}): Promise<TaskSnapshot> {
    return this.act(taskId, 'revive', options.user);
  }

  /** The actions `user` may take on a task now. */
  async available(taskId: number, user: FlowUser): Promise<TaskAction[]> {
    requireId(taskId, 'taskId');
    requireUser(user);
    const db = this.database.db;
    const row = await this.repo.getTask(db, taskId);
    if (!row) throw new NotFoundError(`Task ${taskId} does not exist`);
    // Outside a step nothing checks the state cache, so this reads the database.
    const step = new Step({ ...this.deps, cache: undefined }, db, user, 'sync');
    const process = await step.load({ processId: Number(row.process_id) }, 'none', [taskId]);
    const task = step.tasks.get(taskId)!;
    const actions = TASK_ACTIONS.filter((action) => check(step, process, task, action).ok);
    if (actions.includes('undo') && (await undoBlockers(step, task)).length) return actions.filter((a) => a !== 'undo');
    return actions;
  }

  /** Cancels a process: all its active tasks, or none when one cannot be canceled. */
  async cancelProcess(processId: number, options: { user?: FlowUser } = {}): Promise<ProcessInfo> {
    requireId(processId, 'processId');
    requireUser(options.user);
    return this.step({ key: { processId } }, { user: options.user }, async (step, attempt) => {
      const process = await step.load({ processId }, attempt.processLock);
      await cancelProcess(step, process);
      return process;
    });
  }

  async getProcess<D = Record<string, unknown>>(processId: number): Promise<ProcessInfo<D>> {
    requireId(processId, 'processId');
    const row = await this.repo.getProcess(this.database.db, processId);
    if (!row) throw new NotFoundError(`Process ${processId} does not exist`);
    return processFromRow<D>(row);
  }

  async getTask(taskId: number): Promise<TaskInfo> {
    requireId(taskId, 'taskId');
    const row = await this.repo.getTask(this.database.db, taskId);
    if (!row) throw new NotFoundError(`Task ${taskId} does not exist`);
    const task = taskFromRow(row);
    return { ...task, flow: row.flow, previous: task.previous.sort((a, b) => a - b) };
  }

  /** Every task of a process in creation order, each with the tasks that led to it. */
  async getTasks(processId: number): Promise<TaskInfo[]> {
    requireId(processId, 'processId');
    const db = this.database.db;
    const process = await this.repo.getProcess(db, processId);
    if (!process) throw new NotFoundError(`Process ${processId} does not exist`);
    const rows = await this.repo.tasksOfProcess(db, processId);
    return rows.map((row) => {
      const task = taskFromRow(row);
      return { ...task, flow: process.flow, previous: task.previous.sort((a, b) => a - b) };
    });
  }

  /** Renames a node's stored tasks in one transaction (after a node was renamed in code). */
  async renameNode(flow: FlowClass | string, from: string, to: string): Promise<number> {
    const spec = this.flow(flow);
    if (!spec.nodes.has(to)) throw new NotFoundError(`Flow ${spec.label} has no node "${to}"; rename it in the flow class first`);
    return this.database.db.transaction().execute((trx) => this.repo.renameNode(trx, spec.label, from, to));
  }

  async close(): Promise<void> {
    const locks = new Set([this.defaultLock, ...this.flows.map((f) => this.lockOf(f))]);
    for (const strategy of locks) await strategy.close?.();
    if (this.ownsDatabase) await this.database.close();
  }
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const owns = typeof options.database !== 'object';
  const database =
    typeof options.database === 'object' ? options.database : await openDatabase(options.database ?? 'sqlite:./flowlane.db', options.settings);
  try {
    if (options.migrate !== false) await migrate(database);
    return new Engine(database, options, owns);
  } catch (error) {
    if (owns) await database.close();
    throw error;
  }
}
