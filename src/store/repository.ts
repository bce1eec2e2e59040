/**
 * Every query the engine runs. Functions take the executor to run on (the
 * step's transaction or the database) so that one step's reads and writes
 * share its transaction. Rows are written in multi-row statements.
 */
import { sql, type Kysely } from 'kysely';
import { PROCESS_COLUMNS, TASK_COLUMNS, type Database, type ProcessRow, type TaskRow, type TaskStatus } from './schema.ts';
import type { DialectName } from './connect.ts';
import { QueryShapes } from './shapes.ts';
import { ACTIVE_STATUSES, type ProcessState, type TaskState } from '../engine/model.ts';

type Db = Kysely<Database>;

// Tasks are listed by creation time, then id: ids come in blocks per engine,
// so across engines (worker processes) a later task may have a smaller id.

/** Rows per INSERT; keeps every dialect under its bound-parameter limit. */
const INSERT_CHUNK = 500;

/** The values of `rows` laid out row by row in `columns` order; a row
 * with other columns than the first (a writer bug) is refused. */
function layout(rows: readonly object[], columns: readonly string[]): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    if (Object.keys(record).length !== columns.length) throw new Error(`flowlane: rows of one INSERT must have the same columns (${columns.join(', ')})`);
    for (const column of columns) {
      if (!(column in record)) throw new Error(`flowlane: rows of one INSERT must have the same columns (${columns.join(', ')})`);
      values.push(record[column]);
    }
  }
  return values;
}

export function processFromRow<D>(row: ProcessRow): ProcessState<D> {
  return {
    id: Number(row.id),
    flow: row.flow,
    status: row.status,
    created: Number(row.created),
    finished: row.finished == null ? null : Number(row.finished),
    data: JSON.parse(row.data) as D,
    parentTaskId: row.parent_task_id == null ? null : Number(row.parent_task_id),
    artifactType: row.artifact_type,
    artifactId: row.artifact_id,
    seedType: row.seed_type,
    seedId: row.seed_id,
    version: Number(row.version ?? 0),
  };
}

export function processToRow(process: ProcessState<unknown>): ProcessRow {
  return {
    id: process.id,
    flow: process.flow,
    status: process.status,
    created: process.created,
    finished: process.finished,
    data: JSON.stringify(process.data),
    parent_task_id: process.parentTaskId,
    artifact_type: process.artifactType,
    artifact_id: process.artifactId,
    seed_type: process.seedType,
    seed_id: process.seedId,
    version: process.version,
  };
}

const num = (v: unknown) => (v == null ? null : Number(v));

export function taskFromRow(row: TaskRow): TaskState {
  return {
    id: Number(row.id),
    processId: Number(row.process_id),
    node: row.flow_task.slice(row.flow_task.indexOf('.') + 1),
    taskType: row.task_type,
    status: row.status,
    created: Number(row.created),
    assigned: num(row.assigned),
    started: num(row.started),
    finished: num(row.finished),
    scheduled: num(row.scheduled),
    token: row.token,
    externalTaskId: row.external_task_id,
    ownerId: num(row.owner_id),
    ownerPermission: row.owner_permission,
    data: JSON.parse(row.data) as Record<string, unknown>,
    comments: row.comments,
    previous: row.previous ? row.previous.split(',').map(Number) : [],
  };
}

export function taskToRow(task: TaskState, flow: string): TaskRow {
  return {
    id: task.id,
    process_id: task.processId,
    flow_task: `${flow}.${task.node}`,
    task_type: task.taskType,
    status: task.status,
    created: task.created,
    assigned: task.assigned,
    started: task.started,
    finished: task.finished,
    scheduled: task.scheduled,
    token: task.token,
    external_task_id: task.externalTaskId,
    owner_id: task.ownerId,
    owner_permission: task.ownerPermission,
    data: JSON.stringify(task.data),
    comments: task.comments,
    previous: task.previous.length ? task.previous.join(',') : null,
  };
}

export type ProcessKey = { processId: number } | { taskId: number };

export type RowLock = 'none' | 'forUpdate' | 'forUpdateNowait';

export class Repository {
  /** The statements of a step, compiled once per shape (see shapes.ts). */
  private readonly shapes = new QueryShapes();

  constructor(readonly dialect: DialectName) {}

  /** The process of a step, read with the lock the flow's strategy asks for. */
  async loadProcess(db: Db, key: ProcessKey, lock: RowLock): Promise<ProcessRow | undefined> {
    const byProcess = 'processId' in key;
    const locked = lock !== 'none' && this.dialect !== 'sqlite';
    const result = await this.shapes.run(db, `loadProcess:${byProcess ? 'process' : 'task'}:${locked ? lock : 'none'}`, [byProcess ? key.processId : key.taskId], () => {
      let query = db.selectFrom('flowlane_process').select(PROCESS_COLUMNS);
      query = byProcess
        ? query.where('id', '=', key.processId)
        : query.where('id', '=', db.selectFrom('flowlane_task').select('process_id').where('id', '=', key.taskId));
      if (locked) {
        query = query.forUpdate();
        if (lock === 'forUpdateNowait') query = query.noWait();
      }
      return query;
    });
    return result.rows[0];
  }

  /** The active tasks of a process, plus the named tasks whatever their status. */
  async loadStepTasks(db: Db, processId: number, alsoIds: number[] = []): Promise<TaskRow[]> {
    const result = await this.shapes.run(db, `loadStepTasks:${alsoIds.length}`, [processId, ...ACTIVE_STATUSES, ...alsoIds], () =>
      db
        .selectFrom('flowlane_task')
        .select(TASK_COLUMNS)
        .where('process_id', '=', processId)
        .where((eb) =>
          alsoIds.length
            ? eb.or([eb('status', 'in', ACTIVE_STATUSES as TaskStatus[]), eb('id', 'in', alsoIds)])
            : eb('status', 'in', ACTIVE_STATUSES as TaskStatus[]),
        )
        .orderBy('created')
        .orderBy('id'),
    );
    return result.rows;
  }

  /** SQLite: a number that changes whenever another connection has
   * committed since this one last asked (see engine/state-cache.ts). */
  async dataVersion(db: Db): Promise<unknown> {
    const result = await this.shapes.run<{ data_version: unknown }>(db, 'dataVersion', [], () => ({
      compile: () => sql<{ data_version: unknown }>`pragma data_version`.compile(db),
    }));
    return result.rows[0]?.data_version;
  }

  async processIdOfTask(db: Db, taskId: number): Promise<number | undefined> {
    const row = await db.selectFrom('flowlane_task').select('process_id').where('id', '=', taskId).executeTakeFirst();
    return row ? Number(row.process_id) : undefined;
  }

  async insertProcesses(db: Db, rows: ProcessRow[]): Promise<void> {
    await this.insert(db, 'flowlane_process', rows);
  }

  async insertTasks(db: Db, rows: TaskRow[]): Promise<void> {
    await this.insert(db, 'flowlane_task', rows);
  }

  /** One multi-row INSERT per chunk of rows; the columns are the first row's keys, in their order. */
  private async insert(db: Db, table: 'flowlane_process' | 'flowlane_task', rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const key = `insert:${table}:${columns.join(',')}`;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await this.shapes.run(db, `${key}:${chunk.length}`, layout(chunk, columns), () => db.insertInto(table).values(chunk as never));
    }
  }

  /** Applies one change set to tasks that must still have `expected` status;
   * returns how many rows matched, so the caller can detect a lost race. */
  async updateTasks(db: Db, ids: number[], expected: TaskStatus, changes: Partial<TaskRow>): Promise<number> {
    const columns = Object.keys(changes) as Array<keyof TaskRow>;
    const parameters = [...columns.map((c) => changes[c]), ...ids, expected];
    const result = await this.shapes.run(db, `updateTasks:${columns.join(',')}:${ids.length}`, parameters, () =>
      db
        .updateTable('flowlane_task')
        .set(changes)
        .where(ids.length === 1 ? sql<boolean>`id = ${ids[0]}` : sql<boolean>`id in (${sql.join(ids)})`)
        .where('status', '=', expected),
    );
    return Number(result.numAffectedRows ?? 0);
  }

  /** Writes `changes` if the row still has `expectedVersion` (which `changes` bumps). */
  async updateProcess(db: Db, id: number, expectedVersion: number, changes: Partial<ProcessRow>): Promise<number> {
    const columns = Object.keys(changes) as Array<keyof ProcessRow>;
    const parameters = [...columns.map((c) => changes[c]), id, expectedVersion];
    const result = await this.shapes.run(db, `updateProcess:${columns.join(',')}`, parameters, () =>
      db.updateTable('flowlane_process').set(changes).where('id', '=', id).where('version', '=', expectedVersion),
    );
    return Number(result.numAffectedRows ?? 0);
  }

  async getProcess(db: Db, id: number): Promise<ProcessRow | undefined> {
    return db.selectFrom('flowlane_process').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getTask(db: Db, id: number): Promise<(TaskRow & { flow: string }) | undefined> {
    const row = await db.selectFrom('flowlane_task').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...row, flow: row.flow_task.slice(0, row.flow_task.indexOf('.')) } : undefined;
  }

  async tasksOfProcess(db: Db, processId: number): Promise<TaskRow[]> {
    return db.selectFrom('flowlane_task').selectAll().where('process_id', '=', processId).orderBy('created').orderBy('id').execute();
  }

  /** Whether an End task of the process is DONE (the process ended once). */
  async hasFinishedEnd(db: Db, processId: number): Promise<boolean> {
    const row = await db
      .selectFrom('flowlane_task')
      .select('id')
      .where('process_id', '=', processId)
      .where('task_type', '=', 'END')
      .where('status', '=', 'DONE')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The tasks a task led to, with their status: links stay within a
   * process, so they are among its tasks. */
  async leadingTasks(db: Db, processId: number, taskId: number): Promise<TaskRow[]> {
    const rows = await this.tasksOfProcess(db, processId);
    const id = String(taskId);
    return rows.filter((row) => row.previous != null && row.previous.split(',').includes(id));
  }

  /** The newest task of a node in a process (for `.Assign({ ownerOf })`). */
  async latestTaskOfNode(db: Db, processId: number, flowTask: string): Promise<TaskRow | undefined> {
    return db
      .selectFrom('flowlane_task')
      .selectAll()
      .where('process_id', '=', processId)
      .where('flow_task', '=', flowTask)
      .orderBy('created', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async renameNode(db: Db, flow: string, from: string, to: string): Promise<number> {
    const result = await db
      .updateTable('flowlane_task')
      .set({ flow_task: `${flow}.${to}` })
      .where('flow_task', '=', `${flow}.${from}`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
