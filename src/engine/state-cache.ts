/**
 * SQLite only: the rows a step needs (a process and its active tasks) as
 * the last step of this engine committed them, so the next step of the
 * same process skips its two SELECTs.
 *
 * Exact, not optimistic: a step writes under BEGIN IMMEDIATE, so while it
 * runs nobody else commits, and it reads `PRAGMA data_version`, which
 * changes whenever another connection (another engine, process or tool)
 * has committed since. The statement counter sees everything this
 * connection writes to the task and process tables outside a step's
 * flush. Either one moving empties the cache; so a hit is the database's
 * current state.
 *
 * One cache per open database, shared by the engines on it: a step of one
 * is a flush on the same connection, which neither of the checks above
 * would see. Only steps use it; plain reads (`available`) ask the database.
 */
import type { Kysely } from 'kysely';
import type { Database, ProcessRow, TaskRow } from '../store/schema.ts';
import type { StatementCounter } from '../store/statements.ts';
import type { OpenDatabase } from '../store/connect.ts';
import type { ProcessKey, Repository } from '../store/repository.ts';
import { isActive } from './model.ts';

/** Processes kept; the oldest used goes first. */
const LIMIT = 1000;

export interface CachedState {
  process: ProcessRow;
  /** Active tasks, by creation time then id (as the step's query orders them). */
  tasks: TaskRow[];
}

const caches = new WeakMap<OpenDatabase, StateCache>();

/** The state cache of a SQLite database, or undefined for a server database. */
export function stateCacheOf(database: OpenDatabase, repo: Repository): StateCache | undefined {
  if (database.dialect !== 'sqlite') return undefined;
  let cache = caches.get(database);
  if (!cache) caches.set(database, (cache = new StateCache(database.statements, repo)));
  return cache;
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
    if (this.wroteOutsideFlush()) return undefined;
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

  /**
   * After a commit: the rows the step's flush wrote, unless a later step (a
   * higher version) already told how they are now. A step writes every
   * process it loaded and all of their active tasks, so a written process
   * comes with its whole active set. Nothing is kept from a step during
   * which SQL outside the flush wrote state: it may have changed rows the
   * flush then wrote only in part.
   */
  remember(flushed: { processes: ReadonlyMap<number, ProcessRow>; tasks: ReadonlyMap<number, TaskRow> }): void {
    if (this.wroteOutsideFlush()) return;
    const active = new Map<number, TaskRow[]>();
    for (const row of flushed.tasks.values()) {
      if (!isActive(row.status)) continue;
      const list = active.get(row.process_id);
      if (list) list.push(row);
      else active.set(row.process_id, [row]);
    }
    for (const process of flushed.processes.values()) {
      const known = this.entries.get(process.id);
      if (known && Number(known.process.version) > Number(process.version)) continue;
      this.drop(process.id);
      if (process.status !== 'NEW') continue;
      const rows = (active.get(process.id) ?? []).sort((a, b) => Number(a.created) - Number(b.created) || a.id - b.id);
      this.entries.set(process.id, { process, tasks: rows });
      for (const row of rows) this.processOfTask.set(row.id, process.id);
      if (this.entries.size > LIMIT) this.drop(this.entries.keys().next().value!);
    }
  }

  /** Whether state was written outside a flush since the step began;
   * if so, nothing kept can be trusted until the next step's check. */
  private wroteOutsideFlush(): boolean {
    if (this.statements.foreignStateWrites === this.foreignWrites) return false;
    this.clear();
    return true;
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
