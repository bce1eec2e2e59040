/**
 * Reads as src/web/queries.ts could write them, measured beside the real
 * ones to show what a change there would gain. Two differences: a flow is
 * told by its tasks' own `flow_task` names (every node of the listed
 * flows), not by joining each task to its process; and a page is cut by
 * LIMIT with the total from the same statement (`count(*) over ()`) instead
 * of fetching every candidate. (The queue needs every candidate only when a
 * node's permission is a function; these flows have none.)
 */
import { sql, type Kysely } from 'kysely';
import type { Database, TaskStatus } from '../../src/store/schema.ts';
import type { FlowSpec } from '../../src/flow/build.ts';
import type { FlowUser } from '../../src/engine/user.ts';

type Db = Kysely<Database>;
const PAGE = 25;
const WORKING: TaskStatus[] = ['ASSIGNED', 'STARTED'];
const ACTIVE: TaskStatus[] = ['NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR'];

const nodeNames = (flows: readonly FlowSpec[], human = false) =>
  flows.flatMap((f) => [...f.nodes.values()].filter((n) => !human || n.kind === 'view').map((n) => `${f.label}.${n.name}`));

/** The page's tasks and their processes, as the web's taskRows does: two statements. */
async function rowsOf(db: Db, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const tasks = await db.selectFrom('flowlane_task').selectAll().where('id', 'in', ids).execute();
  await db.selectFrom('flowlane_process').selectAll().where('id', 'in', [...new Set(tasks.map((t) => Number(t.process_id)))]).execute();
  return tasks.length;
}

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
    .where('status', 'in', ACTIVE)
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
