/**
 * SQLite only: the rows a step needs (a process and its active tasks) as
 * the last step of this engine committed them, so the next step of the
 * same process skips its two SELECTs.
 *
 * Exact, not optimistic: a step writes under BEGIN IMMEDIATE, so while it
 * runs nobody else commits, and it reads `PRAGMA data_version`, which
 * changes whenever another connection (another engine, process or tool)
 * has committed since. The statement counter sees everything this
 * engine's own connection writes to the task and process tables outside a
 * step's flush. Either one moving empties the cache; so a hit is the
 * database's current state.
 */
import type { Kysely } from 'kysely';
import type { Database, ProcessRow, TaskRow } from '../store/schema.ts';
import type { StatementCounter } from '../store/statements.ts';
import { processToRow, taskToRow, type ProcessKey, type Repository } from '../store/repository.ts';
import { isActive, type ProcessState, type TaskState } from './model.ts';

/** Processes kept; the oldest used goes first. */
const LIMIT = 1000;

export interface CachedState {
  process: ProcessRow;
  /** Active tasks, by creation time then id (as the step's query orders them). */
  tasks: TaskRow[];
}

export class StateCache {
  private readonly entries = new Map<number, CachedState>();
  private readonly processOfTask = new Map<number, number>();
  private dataVersion: unknown;
  private foreignWrites = -1;

  constructor(
    readonly statements: StatementCounter,
    private readonly repo: Repository,
  ) {}

  /** Run first in every step's transaction: forgets everything if the
   * database may have changed since the last step committed. */
  async validate(trx: Kysely<Database>): Promise<void> {
    const version = await this.repo.dataVersion(trx);
    if (version !== this.dataVersion || this.statements.foreignStateWrites !== this.foreignWrites) {
      this.clear();
      this.dataVersion = version;
      this.foreignWrites = this.statements.foreignStateWrites;
    }
  }

  /** The rows of `key`'s process if every task in `alsoTaskIds` is among them. */
  get(key: ProcessKey, alsoTaskIds: readonly number[]): CachedState | undefined {
    const processId = 'processId' in key ? key.processId : this.processOfTask.get(key.taskId);
    if (processId === undefined) return undefined;
    const entry = this.entries.get(processId);
    if (!entry) return undefined;
    if (alsoTaskIds.some((id) => this.processOfTask.get(id) !== processId)) return undefined;
    this.entries.delete(processId);
    this.entries.set(processId, entry);
    return entry;
  }

  /**
   * A step is about to write these processes: forget them now, inside its
   * transaction. The step remembers them only after its commit, and a step
   * that runs between that commit and then must not find them as they were.
   */
  forget(processIds: Iterable<number>): void {
    for (const id of processIds) this.drop(id);
  }

  /** After a commit: the processes as the step left them, unless a later
   * step (a higher version) already told how they are now. */
  remember(
    processes: Iterable<ProcessState>,
    tasks: Iterable<TaskState>,
    flushed: { processes: ReadonlyMap<number, ProcessRow>; tasks: ReadonlyMap<number, TaskRow> },
  ): void {
    const active = new Map<number, TaskState[]>();
    for (const task of tasks) {
      if (!isActive(task.status)) continue;
      const list = active.get(task.processId);
      if (list) list.push(task);
      else active.set(task.processId, [task]);
    }
    for (const process of processes) {
      const known = this.entries.get(process.id);
      if (known && Number(known.process.version) > process.version) continue;
      this.drop(process.id);
      if (process.status !== 'NEW') continue;
      const rows = (active.get(process.id) ?? [])
        .sort((a, b) => a.created - b.created || a.id - b.id)
        .map((task) => flushed.tasks.get(task.id) ?? taskToRow(task, process.flow));
      this.entries.set(process.id, { process: flushed.processes.get(process.id) ?? processToRow(process), tasks: rows });
      for (const row of rows) this.processOfTask.set(row.id, process.id);
      if (this.entries.size > LIMIT) this.drop(this.entries.keys().next().value!);
    }
  }

  private drop(processId: number): void {
    const entry = this.entries.get(processId);
    if (!entry) return;
    for (const row of entry.tasks) this.processOfTask.delete(row.id);
    this.entries.delete(processId);
  }

  private clear(): void {
    this.entries.clear();
    this.processOfTask.clear();
  }
}
