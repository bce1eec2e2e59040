/**
 * The reads behind the lists and dashboards: inbox, queue, archive,
 * process lists, counts. Read-only queries over the engine's tables; every
 * one is scoped to the flows of the viewset asking.
 *
 * A task is told to belong to a flow by its own `flow_task` column
 * (`<flow label>.<node name>`), never by joining it to its process: a list
 * reads the index that serves it and nothing else, cuts its page in SQL and
 * takes the total from the same statement (`count(*) over ()`). The page's
 * tasks then come with their processes in one statement.
 */
import { sql, PostgresAdapter, SqliteAdapter, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { PROCESS_COLUMNS, TASK_COLUMNS, type Database, type ProcessRow, type ProcessStatus, type TaskRow as StoredTask, type TaskStatus } from '../store/schema.ts';
import { processFromRow, taskFromRow } from '../store/repository.ts';
import type { FlowSpec } from '../flow/build.ts';
import type { Node, PermissionSpec } from '../flow/nodes.ts';
import type { ProcessState, TaskState } from '../engine/model.ts';
import type { FlowUser } from '../engine/user.ts';
import { mayTakeTask } from './visibility.ts';

type Db = Kysely<Database>;
type TaskQuery = SelectQueryBuilder<Database, 'flowlane_task', object>;
type TaskEb = ExpressionBuilder<Database, 'flowlane_task'>;

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

/** A count that stops at a cap: `more` says there are more than `count`. */
export interface CappedCount {
  count: number;
  more: boolean;
}

/** The navigation's queue count stops here ("999+"), so a huge queue cannot slow every page. */
export const QUEUE_COUNT_CAP = 999;

const WORKING: TaskStatus[] = ['ASSIGNED', 'STARTED'];

const offsetOf = (page: number, pageSize: number) => (Math.max(1, page) - 1) * pageSize;

/** Escapes LIKE wildcards so user text and group names match literally ("!" escapes alike on every database). */
const likeLiteral = (text: string) => text.replace(/[!%_]/g, (ch) => `!${ch}`);
/** Escapes GLOB wildcards (SQLite): a bracket holds a character literally. */
const globLiteral = (text: string) => text.replace(/[*?[]/g, (ch) => `[${ch}]`);

/**
 * The partial indexes' predicates word for word, with literals: SQLite
 * uses a partial index only when the query repeats its terms (bound
 * parameters do not count), and PostgreSQL's generic plans likewise.
 */
const ACTIVE = sql<SqlBool>`status in ('NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR')`;
const inQueue = (t = '') => sql.raw<SqlBool>(`${t}status = 'NEW' and ${t}task_type = 'HUMAN' and ${t}owner_id is null`);

// ---------------------------------------------------------------------------
// Which tasks belong to the listed flows

/**
 * Whether comparing `flow_task` in its own collation keeps a flow's names
 * together: `'label.' <= name < 'label/'` ('/' follows '.') for every name
 * that starts with `label.`. True of SQLite (binary), MySQL/MariaDB (their
 * collations weigh punctuation) and PostgreSQL's C, C.UTF-8 and ICU
 * collations; not of glibc locales such as en_US.UTF-8, which ignore
 * punctuation at first (there `'desk.review' < 'desk/'` is false).
 * PostgreSQL is asked once per database handle (its Kysely adapter).
 */
const rangeOrders = new WeakMap<object, Promise<boolean>>();
function rangeKeepsFlowsTogether(db: Db): Promise<boolean> {
  const adapter = db.getExecutor().adapter;
  if (!(adapter instanceof PostgresAdapter)) return Promise.resolve(true);
  let answer = rangeOrders.get(adapter);
  if (!answer) {
    answer = sql<{ ok: boolean }>`select ('x.Ab_9' >= 'x.' and 'x.Ab_9' < 'x/' and 'x.z' < 'x/' and 'x-1.a' < 'x.' and 'x_1.a' >= 'x/' and 'x1.a' >= 'x/') as ok`
      .execute(db)
      .then((result) => result.rows[0]?.ok === true);
    answer.catch(() => rangeOrders.delete(adapter));
    rangeOrders.set(adapter, answer);
  }
  return answer;
}

/**
 * Tasks of these flows, by their `flow_task` names: a range per flow, so the
 * tasks of nodes the flow no longer has (removed, renamed) are included. In
 * a collation that does not keep the names together (see above) the range
 * is compared byte by byte (`collate "C"`), correct but not an index range.
 */
async function ofFlows(db: Db, flows: readonly FlowSpec[]): Promise<(eb: TaskEb) => Expression<SqlBool>> {
  const ordered = await rangeKeepsFlowsTogether(db);
  const column = ordered ? sql.ref('flow_task') : sql`flow_task collate "C"`;
  return (eb) => eb.or(flows.map((f) => sql<SqlBool>`(${column} >= ${`${f.label}.`} and ${column} < ${`${f.label}/`})`));
}

const permissionOf = (node: Node) => (node as { permission?: PermissionSpec }).permission;
const asksFunction = (node: Node) => typeof permissionOf(node) === 'function';

/** `<label>.<node>` of the flows' human nodes (the ones with queues) that pass `which`. */
function humanNodes(flows: readonly FlowSpec[], which: (node: Node) => boolean = () => true): string[] {
  return flows.flatMap((f) => [...f.nodes.values()].filter((n) => n.kind === 'view' && which(n)).map((n) => `${f.label}.${n.name}`));
}

// ---------------------------------------------------------------------------
// Pages and rows

type Order = ReadonlyArray<readonly ['id' | 'finished', 'asc' | 'desc']>;
const NEWEST: Order = [['id', 'desc']];
const LAST_FINISHED: Order = [['finished', 'desc'], ['id', 'desc']];

/**
 * One page of `query` in `order` with its total (`count(*) over ()`) and
 * the page's tasks with their processes, in one statement. A page past the
 * end has no row to carry the total: then it comes from a count.
 */
async function pageOf(db: Db, query: TaskQuery, order: Order, offset: number, limit: number): Promise<{ rows: TaskRow[]; total: number }> {
  let page = query.select(['id', sql<number | string>`count(*) over ()`.as('total')]);
  for (const [column, direction] of order) page = page.orderBy(column, direction);
  let joined = tasksOf(db, page.limit(limit).offset(offset)).select('picked.total');
  for (const [column, direction] of order) joined = joined.orderBy(`t.${column}`, direction);
  const rows = await joined.execute();
  if (rows.length) return { rows: rows.map(rowOf), total: Number(rows[0]!.total) };
  return { rows: [], total: offset > 0 || limit <= 0 ? await countOf(db, query) : 0 };
}

/** How many rows `query` has; with `cap`, counting stops there. */
async function countOf(db: Db, query: TaskQuery, cap?: number): Promise<number> {
  const counted =
    cap === undefined
      ? query.select((eb) => eb.fn.countAll<number | string>().as('n'))
      : db.selectFrom(query.select('id').limit(cap).as('s')).select((eb) => eb.fn.countAll<number | string>().as('n'));
  return Number((await counted.executeTakeFirstOrThrow()).n);
}

/** Tasks joined to their processes; the process's columns come as `p_<column>`. */
function joinedTasks(db: Db) {
  return db
    .selectFrom('flowlane_task as t')
    .innerJoin('flowlane_process as p', 'p.id', 't.process_id')
    .select(TASK_COLUMNS.map((c) => `t.${c}` as const))
    .select(PROCESS_COLUMNS.map((c) => sql.ref(`p.${c}`).as(`p_${c}`)));
}

/** The tasks a query of ids picks (a page, say), with their processes: one statement. */
function tasksOf<O extends { id: number }>(db: Db, picked: SelectQueryBuilder<Database, 'flowlane_task', O>) {
  return db
    .selectFrom(picked.as('picked'))
    .innerJoin('flowlane_task as t', 't.id', 'picked.id')
    .innerJoin('flowlane_process as p', 'p.id', 't.process_id')
    .select(TASK_COLUMNS.map((c) => `t.${c}` as const))
    .select(PROCESS_COLUMNS.map((c) => sql.ref(`p.${c}`).as(`p_${c}`)));
}

/** The tasks with these ids with their processes, in this order, in one statement. */
async function taskRows(db: Db, ids: readonly number[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  const byId = new Map((await joinedTasks(db).where('t.id', 'in', [...ids]).execute()).map((row) => [Number(row.id), row]));
  return ids.flatMap((id) => (byId.has(id) ? [rowOf(byId.get(id)!)] : []));
}

function rowOf(row: Record<string, any>): TaskRow {
  const task = {} as Record<string, unknown>;
  for (const c of TASK_COLUMNS) task[c] = row[c];
  const process = {} as Record<string, unknown>;
  for (const c of PROCESS_COLUMNS) process[c] = row[`p_${c}`];
  return { task: taskFromRow(task as unknown as StoredTask), process: processFromRow<Record<string, unknown>>(process as unknown as ProcessRow) };
}

// ---------------------------------------------------------------------------
// Inbox, archive

/** Tasks assigned to the user and not finished. */
export async function inbox(db: Db, flows: readonly FlowSpec[], user: FlowUser, page = 1, pageSize = 25): Promise<Page<TaskRow>> {
  if (flows.length === 0) return { rows: [], total: 0, page, pageSize };
  const inFlows = await ofFlows(db, flows);
  const query = db.selectFrom('flowlane_task').where('owner_id', '=', user.id).where('status', 'in', WORKING).where(inFlows);
  return { ...(await pageOf(db, query, NEWEST, offsetOf(page, pageSize), pageSize)), page, pageSize };
}

/** Tasks the user finished, newest first. */
export async function archive(db: Db, flows: readonly FlowSpec[], user: FlowUser, page = 1, pageSize = 25): Promise<Page<TaskRow>> {
  if (flows.length === 0) return { rows: [], total: 0, page, pageSize };
  const inFlows = await ofFlows(db, flows);
  const query = db.selectFrom('flowlane_task').where('owner_id', '=', user.id).where('status', '=', 'DONE').where(inFlows);
  return { ...(await pageOf(db, query, LAST_FINISHED, offsetOf(page, pageSize), pageSize)), page, pageSize };
}

// ---------------------------------------------------------------------------
// Queue

/**
 * Unassigned tasks of these human nodes whose stored owner permission lets
 * the user take them: none stored, one of the user's codenames, or a group
 * list (`groups:a,b`) naming one of the user's groups. Superusers take all.
 *
 * Each way to match is its own branch of a UNION ALL, so each seeks its own
 * part of the queue indexes (an OR of them reads the whole queue). The
 * branches match disjoint rows, so the union holds each task once. Typed as
 * a task query: a page of it reads only `id`, which the union's rows have.
 */
function queueOf(db: Db, nodes: string[], user: FlowUser): TaskQuery {
  const queued = () => db.selectFrom('flowlane_task').where(inQueue()).where('flow_task', 'in', nodes);
  if (user.isSuperuser) return queued();
  const exact = [...user.permissions, ...[...user.groups].map((g) => `groups:${g}`)];
  let branches = queued().select('id').where('owner_permission', 'is', null);
  if (exact.length) branches = branches.unionAll(queued().select('id').where('owner_permission', 'in', exact));
  if (user.groups.size) branches = branches.unionAll(inGroupLists(db, queued().select('id'), user, exact));
  return db.selectFrom(branches.as('queued')) as unknown as TaskQuery;
}

/**
 * Of `query`, the tasks whose group list (it has a comma) names one of the
 * user's groups, anywhere in it. A group or codename with a comma can equal
 * a whole list: such a task is the exact branch's, so it is left out here.
 */
function inGroupLists<O>(db: Db, query: SelectQueryBuilder<Database, 'flowlane_task', O>, user: FlowUser, exact: string[]) {
  // A group first, last or in the middle of a list, in a pattern language's wildcard and escape.
  const placesIn = (literal: (text: string) => string, any: string) =>
    [...user.groups].flatMap((group) => {
      const g = literal(group);
      return [`groups:${g},${any}`, `groups:${any},${g}`, `groups:${any},${g},${any}`];
    });
  const lists = query
    .where(sql<SqlBool>`owner_permission like 'groups:%,%'`) // the lists index's predicate, word for word
    .where((eb) => eb.or(placesIn(likeLiteral, '%').map((p) => sql<SqlBool>`owner_permission like ${p} escape '!'`)))
    .where('owner_permission', 'not in', exact);
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return lists;
  // SQLite's LIKE ignores ASCII case (`Team` would match `groups:ops,team`);
  // GLOB does not, and decides among the rows the LIKEs found.
  return lists.where((eb) => eb.or(placesIn(globLiteral, '*').map((p) => sql<SqlBool>`owner_permission glob ${p}`)));
}

/**
 * The queue's human nodes: `decided` where the query decides who may take
 * a task, `asked` where the node's permission is a function, asked task by
 * task (never for a superuser, who may take anything).
 */
function queueNodes(flows: readonly FlowSpec[], user: FlowUser): { decided: string[]; asked: string[] } {
  if (user.isSuperuser) return { decided: humanNodes(flows), asked: [] };
  return { decided: humanNodes(flows, (n) => !asksFunction(n)), asked: humanNodes(flows, asksFunction) };
}

/** Queued tasks of nodes with a function permission that lets the user
 * take them, newest first; `limit` bounds the tasks asked about. */
async function askedTasks(db: Db, flows: readonly FlowSpec[], nodes: string[], user: FlowUser, limit?: number): Promise<{ rows: TaskRow[]; complete: boolean }> {
  let query = joinedTasks(db).where(inQueue('t.')).where('t.flow_task', 'in', nodes).orderBy('t.id', 'desc');
  if (limit !== undefined) query = query.limit(limit);
  const candidates = (await query.execute()).map(rowOf);
  const byLabel = new Map(flows.map((f) => [f.label, f]));
  const rows = candidates.filter(({ task, process }) => {
    const spec = byLabel.get(process.flow)!;
    return mayTakeTask(spec, spec.node(task.node), process, task, user);
  });
  return { rows, complete: limit === undefined || candidates.length < limit };
}

/**
 * Unassigned human tasks the user may take, newest first. The query decides
 * for nodes whose permission is a codename, a group list or none, and pages
 * in SQL; only when the flows have a node whose permission is a function are
 * that node's queued tasks read and asked one by one, then merged in.
 */
export async function queue(db: Db, flows: readonly FlowSpec[], user: FlowUser, page = 1, pageSize = 25): Promise<Page<TaskRow>> {
  const { decided, asked } = queueNodes(flows, user);
  const offset = offsetOf(page, pageSize);
  if (asked.length === 0) {
    if (decided.length === 0) return { rows: [], total: 0, page, pageSize };
    return { ...(await pageOf(db, queueOf(db, decided, user), NEWEST, offset, pageSize)), page, pageSize };
  }
  // The page lies within the first offset + pageSize decided tasks and the allowed asked ones.
  const head = decided.length ? await idsOf(db, queueOf(db, decided, user), offset + pageSize) : { ids: [], total: 0 };
  const { rows: allowed } = await askedTasks(db, flows, asked, user);
  const ids = [...head.ids, ...allowed.map((r) => r.task.id)].sort((a, b) => b - a).slice(offset, offset + pageSize);
  const loaded = new Map(allowed.map((r) => [r.task.id, r]));
  for (const r of await taskRows(db, ids.filter((id) => !loaded.has(id)))) loaded.set(r.task.id, r);
  return { rows: ids.map((id) => loaded.get(id)!), total: head.total + allowed.length, page, pageSize };
}

/** The newest `limit` ids of `query` and how many it has in all. */
async function idsOf(db: Db, query: TaskQuery, limit: number): Promise<{ ids: number[]; total: number }> {
  const rows = await query.select(['id', sql<number | string>`count(*) over ()`.as('total')]).orderBy('id', 'desc').limit(limit).execute();
  return { ids: rows.map((r) => Number(r.id)), total: rows.length ? Number(rows[0]!.total) : limit > 0 ? 0 : await countOf(db, query) };
}

// ---------------------------------------------------------------------------
// Navigation counts

/** How many unfinished tasks the user has: one count on the owner index. */
export async function inboxCount(db: Db, flows: readonly FlowSpec[], user: FlowUser): Promise<number> {
  if (flows.length === 0) return 0;
  const inFlows = await ofFlows(db, flows);
  return countOf(db, db.selectFrom('flowlane_task').where('owner_id', '=', user.id).where('status', 'in', WORKING).where(inFlows));
}

/**
 * How many tasks the user may take, counted up to `cap` (then `more`): one
 * count statement that stops at `cap + 1` rows. Of the tasks of nodes whose
 * permission is a function, the newest `cap + 1` are asked about; only when
 * there are more of those is the count a lower bound (`more`).
 */
export async function queueCount(db: Db, flows: readonly FlowSpec[], user: FlowUser, cap = QUEUE_COUNT_CAP): Promise<CappedCount> {
  const { decided, asked } = queueNodes(flows, user);
  const limit = cap + 1;
  const decidedCount = decided.length ? await countOf(db, queueOf(db, decided, user), limit) : 0;
  if (decidedCount >= limit || asked.length === 0) return capped(decidedCount, cap, false);
  const { rows, complete } = await askedTasks(db, flows, asked, user, limit);
  return capped(decidedCount + rows.length, cap, !complete);
}

const capped = (n: number, cap: number, more: boolean): CappedCount => (n > cap ? { count: cap, more: true } : { count: n, more });

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

/**
 * A flow's processes by status, its active tasks by node and status (an
 * index-only count on the active index), and the first `limit` tasks in
 * work by owner, from the same index.
 */
export async function dashboard(db: Db, flow: FlowSpec, limit = 50): Promise<Dashboard> {
  const inFlow = await ofFlows(db, [flow]);
  const byStatus = await db
    .selectFrom('flowlane_process')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('flow', '=', flow.label)
    .groupBy('status')
    .execute();
  const active = await db
    .selectFrom('flowlane_task')
    .select(['flow_task', 'status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where(inFlow)
    .where(ACTIVE)
    .groupBy(['flow_task', 'status'])
    .orderBy('flow_task')
    .execute();
  // The first `limit` tasks in work by owner, with their processes.
  const inWork = db
    .selectFrom('flowlane_task')
    .select('id')
    .where(inFlow)
    .where(ACTIVE)
    .where('status', 'in', WORKING)
    .where('owner_id', 'is not', null)
    .orderBy('owner_id')
    .orderBy('id')
    .limit(limit);
  const working = await tasksOf(db, inWork).orderBy('t.owner_id').orderBy('t.id').execute();
  return {
    processesByStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.count)])),
    activeTasks: active.map((r) => ({ node: r.flow_task.slice(flow.label.length + 1), status: r.status, count: Number(r.count) })),
    working: working.map(rowOf),
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
