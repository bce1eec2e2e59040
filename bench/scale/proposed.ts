/**
 * Reads as src/web/queries.ts could write them, measured beside the real
 * ones to show what a change there would gain. Two differences: a flow is
 * told by its tasks' own `flow_task` names (every node of the listed
 * flows), not by joining each task to its process; and a page is cut by
 * LIMIT with the total from the same statement (`count(*) over ()`) instead
 * of fetching every candidate (the queue needs every candidate only when a
 * node's permission is a function; these flows have none); a page's tasks
 * come with their processes in one statement.
 */
import { sql, type Kysely } from 'kysely';
import { PROCESS_COLUMNS, type Database, type TaskStatus } from '../../src/store/schema.ts';
import type { FlowSpec } from '../../src/flow/build.ts';
import type { FlowUser } from '../../src/engine/user.ts';

type Db = Kysely<Database>;
const PAGE = 25;
const WORKING: TaskStatus[] = ['ASSIGNED', 'STARTED'];

const nodeNames = (flows: readonly FlowSpec[], human = false) =>
  flows.flatMap((f) => [...f.nodes.values()].filter((n) => !human || n.kind === 'view').map((n) => `${f.label}.${n.name}`));

/** The page's tasks with their processes, in one statement (the web's taskRows sends two). */
async function rowsOf(db: Db, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .selectFrom('flowlane_task as t')
    .innerJoin('flowlane_process as p', 'p.id', 't.process_id')
    .selectAll('t')
    .select(PROCESS_COLUMNS.map((c) => sql.ref(`p.${c}`).as(`process_${c}`)))
    .where('t.id', 'in', ids)
    .execute();
  return rows.length;
}

/** Active statuses as literals, the very text of the partial index's predicate:
 * SQLite uses a partial index only when the query repeats its terms (bound
 * parameters in an IN list do not count). */
const ACTIVE_LITERAL = sql<boolean>`status in ('NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR')`;

const total = sql<number>`count(*) over ()`.as('total');

export async function proposedInbox(db: Db, flows: readonly FlowSpec[], user: FlowUser): Promise<number> {
  const page = await db
    .selectFrom('flowlane_task')
    .select(['id', total])
    .where('owner_id', '=', user.id)
    .where('status', 'in', WORKING)
    .where('flow_task', 'in', nodeNames(flows))
    .orderBy('id', 'desc')
    .limit(PAGE)
    .execute();
  return rowsOf(db, page.map((r) => Number(r.id)));
}

export async function proposedQueue(db: Db, flows: readonly FlowSpec[], user: FlowUser): Promise<number> {
  const groups = [...user.groups].flatMap((g) => [`groups:${g}`]);
  const page = await db
    .selectFrom('flowlane_task')
    .select(['id', total])
    .where('status', '=', 'NEW')
    .where('task_type', '=', 'HUMAN')
    .where('owner_id', 'is', null)
    .where('flow_task', 'in', nodeNames(flows, true))
    .where((eb) =>
      eb.or([
        eb('owner_permission', 'is', null),
        eb('owner_permission', 'in', [...user.permissions, ...groups]),
        // A node open to several groups stores `groups:a,b`: match the user's group inside the list.
        ...[...user.groups].map((g) => eb('owner_permission', 'like', `groups:%,${g}`)),
        ...[...user.groups].map((g) => eb('owner_permission', 'like', `groups:${g},%`)),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(PAGE)
    .execute();
  return rowsOf(db, page.map((r) => Number(r.id)));
}

export async function proposedArchive(db: Db, flows: readonly FlowSpec[], user: FlowUser): Promise<number> {
  const page = await db
    .selectFrom('flowlane_task')
    .select(['id', total])
    .where('owner_id', '=', user.id)
    .where('status', '=', 'DONE')
    .where('flow_task', 'in', nodeNames(flows))
    .orderBy('finished', 'desc')
    .orderBy('id', 'desc')
    .limit(PAGE)
    .execute();
  return rowsOf(db, page.map((r) => Number(r.id)));
}

export async function proposedDashboard(db: Db, flow: FlowSpec): Promise<number> {
  await db.selectFrom('flowlane_process').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).where('flow', '=', flow.label).groupBy('status').execute();
  const active = await db
    .selectFrom('flowlane_task')
    .select(['flow_task', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('flow_task', 'in', nodeNames([flow]))
    .where(ACTIVE_LITERAL)
    .groupBy(['flow_task', 'status'])
    .execute();
  const working = await db
    .selectFrom('flowlane_task')
    .select('id')
    .where('flow_task', 'in', nodeNames([flow], true))
    .where('status', 'in', WORKING)
    .where('owner_id', 'is not', null)
    .orderBy('owner_id')
    .orderBy('id')
    .limit(50)
    .execute();
  return active.length + (await rowsOf(db, working.map((r) => Number(r.id))));
}
