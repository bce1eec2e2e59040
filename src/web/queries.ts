/**
 * The reads behind the lists and dashboards: inbox, queue, archive,
 * process lists, counts. Read-only queries over the engine's tables; every
 * one is scoped to the flows of the viewset asking.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, ProcessStatus, TaskStatus } from '../store/schema.ts';
import { processFromRow, taskFromRow } from '../store/repository.ts';
import type { FlowSpec } from '../flow/build.ts';
import type { PermissionSpec } from '../flow/nodes.ts';
import type { ProcessState, TaskState } from '../engine/model.ts';
import type { FlowUser } from '../engine/user.ts';
import { mayTakeTask } from './visibility.ts';

type Db = Kysely<Database>;

export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface TaskRow {
  task: TaskState;
  process: ProcessState;
}

const WORKING: TaskStatus[] = ['ASSIGNED', 'STARTED'];

const offsetOf = (page: number, pageSize: number) => (Math.max(1, page) - 1) * pageSize;
const labels = (flows: readonly FlowSpec[]) => flows.map((f) => f.label);

/** Escapes LIKE wildcards so user text and group names match literally ("!" escapes alike on every database). */
const likeLiteral = (text: string) => text.replace(/[!%_]/g, (ch) => `!${ch}`);

function tasksIn(db: Db, flows: readonly FlowSpec[]) {
  return db
    .selectFrom('flowlane_task as t')
    .innerJoin('flowlane_process as p', 'p.id', 't.process_id')
    .where('p.flow', 'in', labels(flows).length ? labels(flows) : ['']);
}

/** Loads the tasks with these ids, in this order, with their processes. */
async function taskRows(db: Db, ids: number[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  const tasks = (await db.selectFrom('flowlane_task').selectAll().where('id', 'in', ids).execute()).map(taskFromRow);
  const processIds = [...new Set(tasks.map((t) => t.processId))];
  const processes = new Map(
    (await db.selectFrom('flowlane_process').selectAll().where('id', 'in', processIds).execute()).map((row) => {
      const process = processFromRow<Record<string, unknown>>(row);
      return [process.id, process] as const;
    }),
  );
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return ids.map((id) => {
    const task = byId.get(id)!;
    return { task, process: processes.get(task.processId)! };
  });
}

/** Tasks assigned to the user and not finished. */
export async function inbox(db: Db, flows: readonly FlowSpec[], user: FlowUser, page = 1, pageSize = 25): Promise<Page<TaskRow>> {
  const base = tasksIn(db, flows).where('t.owner_id', '=', user.id).where('t.status', 'in', WORKING);
  const [{ total }] = (await base.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
  const ids = await base.select('t.id').orderBy('t.id', 'desc').limit(pageSize).offset(offsetOf(page, pageSize)).execute();
  return { rows: await taskRows(db, ids.map((r) => Number(r.id))), total: Number(total), page, pageSize };
}

/** Tasks the user finished, newest first. */
export async function archive(db: Db, flows: readonly FlowSpec[], user: FlowUser, page = 1, pageSize = 25): Promise<Page<TaskRow>> {
  const base = tasksIn(db, flows).where('t.owner_id', '=', user.id).where('t.status', '=', 'DONE');
  const [{ total }] = (await base.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
  const ids = await base
    .select('t.id')
    .orderBy('t.finished', 'desc')
    .orderBy('t.id', 'desc')
    .limit(pageSize)
    .offset(offsetOf(page, pageSize))
    .execute();
  return { rows: await taskRows(db, ids.map((r) => Number(r.id))), total: Number(total), page, pageSize };
}

/**
 * Unassigned human tasks the user may take. The database narrows by the
 * stored owner permission (a codename, `groups:a,b`, or none); nodes whose
 * permission is a function are then asked one task at a time.
 */
export async function queue(db: Db, flows: readonly FlowSpec[], user: FlowUser, page = 1, pageSize = 25): Promise<Page<TaskRow>> {
  let base = tasksIn(db, flows).where('t.status', '=', 'NEW').where('t.task_type', '=', 'HUMAN').where('t.owner_id', 'is', null);
  if (!user.isSuperuser) {
    base = base.where((eb) =>
      eb.or([
        eb('t.owner_permission', 'is', null),
        ...(user.permissions.size ? [eb('t.owner_permission', 'in', [...user.permissions])] : []),
        ...[...user.groups].map((group) => {
          const g = likeLiteral(group);
          return eb.or([
            eb('t.owner_permission', '=', `groups:${group}`),
            sql<boolean>`t.owner_permission like ${`groups:${g},%`} escape '!'`,
            sql<boolean>`t.owner_permission like ${`groups:%,${g}`} escape '!'`,
            sql<boolean>`t.owner_permission like ${`groups:%,${g},%`} escape '!'`,
          ]);
        }),
      ]),
    );
  }
  const candidates = await base.select(['t.id', 't.flow_task', 't.owner_permission']).orderBy('t.id', 'desc').execute();
  const ids = await takeable(db, flows, user, candidates);
  const start = offsetOf(page, pageSize);
  return { rows: await taskRows(db, ids.slice(start, start + pageSize)), total: ids.length, page, pageSize };
}

/** The candidates a function permission lets through (others passed the query already). */
async function takeable(
  db: Db,
  flows: readonly FlowSpec[],
  user: FlowUser,
  candidates: Array<{ id: number; flow_task: string; owner_permission: string | null }>,
): Promise<number[]> {
  const byLabel = new Map(flows.map((f) => [f.label, f]));
  const nodeOf = (flowTask: string) => {
    const dot = flowTask.indexOf('.');
    const spec = byLabel.get(flowTask.slice(0, dot))!;
    return { spec, node: spec.node(flowTask.slice(dot + 1)) };
  };
  const asked = candidates.filter((c) => c.owner_permission === null && typeof permissionOf(nodeOf(c.flow_task).node) === 'function');
  if (asked.length === 0 || user.isSuperuser) return candidates.map((c) => Number(c.id));
  const refused = new Set<number>();
  for (const row of await taskRows(db, asked.map((c) => Number(c.id)))) {
    const { spec, node } = nodeOf(`${row.process.flow}.${row.task.node}`);
    if (!mayTakeTask(spec, node, row.process, row.task, user)) refused.add(row.task.id);
  }
  return candidates.map((c) => Number(c.id)).filter((id) => !refused.has(id));
}

const permissionOf = (node: object) => (node as { permission?: PermissionSpec }).permission;

export async function inboxCount(db: Db, flows: readonly FlowSpec[], user: FlowUser): Promise<number> {
  return (await inbox(db, flows, user, 1, 0)).total;
}

export async function queueCount(db: Db, flows: readonly FlowSpec[], user: FlowUser): Promise<number> {
  return (await queue(db, flows, user, 1, 0)).total;
}

export interface ProcessFilter {
  status?: ProcessStatus;
  /** Created on or after this day (YYYY-MM-DD, UTC). */
  from?: string;
  /** Created on or before this day (YYYY-MM-DD, UTC). */
  to?: string;
  /** Matches the process number or any text in its data. */
  text?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

export async function processes(db: Db, flow: FlowSpec, filter: ProcessFilter, page = 1, pageSize = 25): Promise<Page<ProcessState>> {
  let base = db.selectFrom('flowlane_process').where('flow', '=', flow.label);
  if (filter.status) base = base.where('status', '=', filter.status);
  if (filter.from && !Number.isNaN(dayStart(filter.from))) base = base.where('created', '>=', dayStart(filter.from));
  if (filter.to && !Number.isNaN(dayStart(filter.to))) base = base.where('created', '<', dayStart(filter.to) + DAY_MS);
  const text = filter.text?.trim();
  if (text) {
    const like = `%${likeLiteral(text.toLowerCase())}%`;
    base = base.where((eb) =>
      eb.or([
        ...(/^\d+$/.test(text) ? [eb('id', '=', Number(text))] : []),
        sql<boolean>`lower(data) like ${like} escape '!'`,
      ]),
    );
  }
  const [{ total }] = (await base.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
  const rows = await base.selectAll().orderBy('id', 'desc').limit(pageSize).offset(offsetOf(page, pageSize)).execute();
  return { rows: rows.map((r) => processFromRow<Record<string, unknown>>(r)), total: Number(total), page, pageSize };
}

export interface Dashboard {
  processesByStatus: Partial<Record<ProcessStatus, number>>;
  /** Active tasks per node and status. */
  activeTasks: Array<{ node: string; status: TaskStatus; count: number }>;
  /** Tasks someone is working on, with the owner's id. */
  working: TaskRow[];
}

export async function dashboard(db: Db, flow: FlowSpec, limit = 50): Promise<Dashboard> {
  const byStatus = await db
    .selectFrom('flowlane_process')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('flow', '=', flow.label)
    .groupBy('status')
    .execute();
  const active = await tasksIn(db, [flow])
    .select(['t.flow_task', 't.status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('t.status', 'in', ['NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR'])
    .groupBy(['t.flow_task', 't.status'])
    .orderBy('t.flow_task')
    .execute();
  const working = await tasksIn(db, [flow])
    .select('t.id')
    .where('t.status', 'in', WORKING)
    .where('t.owner_id', 'is not', null)
    .orderBy('t.owner_id')
    .orderBy('t.id')
    .limit(limit)
    .execute();
  return {
    processesByStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.count)])),
    activeTasks: active.map((r) => ({ node: r.flow_task.slice(flow.label.length + 1), status: r.status, count: Number(r.count) })),
    working: await taskRows(db, working.map((r) => Number(r.id))),
  };
}

/** The user's oldest unfinished task of a process, if any. */
export async function nextTaskOf(db: Db, processId: number, user: FlowUser): Promise<TaskState | undefined> {
  const row = await db
    .selectFrom('flowlane_task')
    .selectAll()
    .where('process_id', '=', processId)
    .where('owner_id', '=', user.id)
    .where('status', 'in', WORKING)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? taskFromRow(row) : undefined;
}
