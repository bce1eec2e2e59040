/**
 * Collects what a step changes and writes it at the end in as few
 * statements as the dialect allows: one INSERT per table, one UPDATE per
 * distinct change set. Updates of loaded rows are compare-and-set on the
 * status they were read with, so a step that lost a race fails instead of
 * overwriting.
 */
import type { Kysely } from 'kysely';
import type { Database, ProcessRow, TaskRow, TaskStatus } from '../store/schema.ts';
import { processToRow, taskToRow, type Repository } from '../store/repository.ts';
import { ConcurrentUpdateError } from '../errors.ts';
import type { ProcessState, TaskState } from './model.ts';

interface Tracked<S, R> {
  state: S;
  original: R;
  flow: string;
}

/** A saved point a background node's failure rolls back to. */
export interface Checkpoint {
  processes: Map<number, ProcessState>;
  tasks: Map<number, TaskState>;
  newProcessCount: number;
  newTaskIds: Set<number>;
}

export class UnitOfWork {
  private readonly loadedProcesses = new Map<number, Tracked<ProcessState, ProcessRow>>();
  private readonly loadedTasks = new Map<number, Tracked<TaskState, TaskRow>>();
  private readonly newProcesses = new Map<number, ProcessState>();
  private readonly newTasks = new Map<number, { state: TaskState; flow: string }>();
  /** Rows as `flush` left them in the database, for whoever keeps them (the SQLite state cache). */
  readonly flushed = { processes: new Map<number, ProcessRow>(), tasks: new Map<number, TaskRow>() };

  trackProcess(state: ProcessState, row: ProcessRow): void {
    this.loadedProcesses.set(state.id, { state, original: row, flow: state.flow });
  }

  trackTask(state: TaskState, row: TaskRow, flow: string): void {
    this.loadedTasks.set(state.id, { state, original: row, flow });
  }

  addProcess(state: ProcessState): void {
    this.newProcesses.set(state.id, state);
  }

  addTask(state: TaskState, flow: string): void {
    this.newTasks.set(state.id, { state, flow });
  }


  isNewTask(id: number): boolean {
    return this.newTasks.has(id);
  }

  checkpoint(): Checkpoint {
    const processes = new Map<number, ProcessState>();
    for (const p of [...this.loadedProcesses.values()].map((t) => t.state).concat([...this.newProcesses.values()])) {
      processes.set(p.id, { ...p, data: structuredClone(p.data) });
    }
    const tasks = new Map<number, TaskState>();
    for (const t of [...this.loadedTasks.values(), ...this.newTasks.values()].map((x) => x.state)) {
      tasks.set(t.id, { ...t, data: structuredClone(t.data), previous: [...t.previous] });
    }
    return {
      processes,
      tasks,
      newProcessCount: this.newProcesses.size,
      newTaskIds: new Set(this.newTasks.keys()),
    };
  }

  /** Puts every tracked object back as it was at `checkpoint`, in place,
   * and forgets rows created since; returns the ids of forgotten tasks. */
  restore(checkpoint: Checkpoint): number[] {
    for (const [id, saved] of checkpoint.processes) {
      const live = this.loadedProcesses.get(id)?.state ?? this.newProcesses.get(id);
      if (live) Object.assign(live, saved);
    }
    for (const id of [...this.newProcesses.keys()].slice(checkpoint.newProcessCount)) this.newProcesses.delete(id);
    const dropped: number[] = [];
    for (const id of this.newTasks.keys()) {
      if (!checkpoint.newTaskIds.has(id)) dropped.push(id);
    }
    for (const id of dropped) this.newTasks.delete(id);
    for (const [id, saved] of checkpoint.tasks) {
      const live = this.loadedTasks.get(id)?.state ?? this.newTasks.get(id)?.state;
      if (live) Object.assign(live, saved);
    }
    return dropped;
  }

  /** Writes everything; `validate` may replace a process's data with its parsed form. */
  async flush(db: Kysely<Database>, repo: Repository, validate: (process: ProcessState) => void): Promise<void> {
    for (const process of this.newProcesses.values()) validate(process);
    for (const { state, original } of this.loadedProcesses.values()) {
      if (JSON.stringify(state.data) !== original.data) validate(state);
    }

    // Group task updates that set the same columns to the same values from the same status.
    const groups = new Map<string, { ids: number[]; expected: TaskStatus; changes: Partial<TaskRow> }>();
    for (const { state, original, flow } of this.loadedTasks.values()) {
      const row = taskToRow(state, flow);
      this.flushed.tasks.set(state.id, row);
      const changes: Partial<TaskRow> = {};
      for (const key of Object.keys(row) as Array<keyof TaskRow>) {
        if (key === 'id') continue;
        if (!sameValue(row[key], original[key])) (changes as Record<string, unknown>)[key] = row[key];
      }
      if (Object.keys(changes).length === 0) continue;
      const groupKey = `${original.status}|${JSON.stringify(changes)}`;
      const group = groups.get(groupKey);
      if (group) group.ids.push(state.id);
      else groups.set(groupKey, { ids: [state.id], expected: original.status, changes });
    }

    // Every loaded process of a step that writes gets its version bumped
    // first: of two steps of one process that no lock kept apart, the later
    // fails here, before it writes anything, instead of overwriting the other.
    const writes = groups.size > 0 || this.newTasks.size > 0;
    for (const { state, original } of this.loadedProcesses.values()) {
      const row = processToRow(state);
      const changes: Partial<ProcessRow> = {};
      for (const key of ['status', 'finished', 'data', 'artifact_type', 'artifact_id', 'seed_type', 'seed_id'] as const) {
        if (!sameValue(row[key], original[key])) (changes as Record<string, unknown>)[key] = row[key];
      }
      if (!writes && Object.keys(changes).length === 0) continue;
      const version = Number(original.version ?? 0);
      changes.version = version + 1;
      const updated = await repo.updateProcess(db, state.id, version, changes);
      if (updated !== 1) {
        throw new ConcurrentUpdateError(`Process ${state.id} changed in another step while this one ran; nothing was saved`);
      }
      state.version = version + 1;
      this.flushed.processes.set(state.id, { ...row, version: state.version });
    }

    const newProcessRows = [...this.newProcesses.values()].map(processToRow);
    const newTaskRows = [...this.newTasks.values()].map(({ state, flow }) => taskToRow(state, flow));
    for (const row of newProcessRows) this.flushed.processes.set(row.id, row);
    for (const row of newTaskRows) this.flushed.tasks.set(row.id, row);
    if (newProcessRows.length) await repo.insertProcesses(db, newProcessRows);
    if (newTaskRows.length) await repo.insertTasks(db, newTaskRows);
    for (const { ids, expected, changes } of groups.values()) {
      const updated = await repo.updateTasks(db, ids, expected, changes);
      if (updated !== ids.length) {
        throw new ConcurrentUpdateError(
          `Task${ids.length > 1 ? 's' : ''} ${ids.join(', ')} changed in another step while this one ran (expected status ${expected}); nothing was saved`,
        );
      }
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a == null || b == null) return a == null && b == null;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}
