/**
 * The worker's own reads and claims. A claim is a compare-and-set on the
 * task's `scheduled` column, which then holds a lease (the time until which
 * one worker holds the row); the task's status only changes in engine steps.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, ProcessStatus, TaskStatus } from '../store/schema.ts';
import type { DialectName } from '../store/connect.ts';

type Db = Kysely<Database>;

export interface WaitingJob {
  id: number;
  status: TaskStatus;
  scheduled: number;
  data: Record<string, unknown>;
}

/** JOB tasks of the given nodes that need a worker at `now`: NEW, SCHEDULED
 * and due, or STARTED with a lease that ran out. Oldest first, a page at a
 * time: pass the last row of a page to get the next. */
export async function jobsNeedingWorker(db: Db, flowTasks: string[], now: number, limit: number, after?: WaitingJob): Promise<WaitingJob[]> {
  if (flowTasks.length === 0) return [];
  let query = db
    .selectFrom('flowlane_task')
    .select(['id', 'status', 'scheduled', 'data'])
    .where('status', 'in', ['NEW', 'SCHEDULED', 'STARTED'])
    .where('scheduled', '<=', now)
    .where('task_type', '=', 'JOB')
    .where('flow_task', 'in', flowTasks);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('scheduled', '>', after.scheduled), eb.and([eb('scheduled', '=', after.scheduled), eb('id', '>', after.id)])]),
    );
  }
  const rows = await query.orderBy('scheduled').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), status: r.status, scheduled: Number(r.scheduled), data: JSON.parse(r.data) as Record<string, unknown> }));
}

/** Moves a running job's lease on; false when another worker took the task over. */
export async function renewLease(db: Db, taskId: number, held: number, next: number): Promise<boolean> {
  const result = await db
    .updateTable('flowlane_task')
    .set({ scheduled: next })
    .where('id', '=', taskId)
    .where('status', '=', 'STARTED')
    .where('scheduled', '=', held)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Statuses in which a task's `scheduled` is a timer: a TIMER task waits
 * SCHEDULED; a human task with a timeout waits NEW, ASSIGNED or STARTED. */
const TIMED_STATUSES: TaskStatus[] = ['NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED'];

/**
 * Claims up to `limit` due timers of the given nodes by moving their due
 * time to `lease`, so no other worker sees them as due while this one fires
 * them. PostgreSQL claims a batch at once and skips rows another worker is
 * claiming; elsewhere each row is claimed by its own compare-and-set.
 * Returns each claimed task with the due time it had.
 */
export async function claimDueTimers(
  db: Db,
  dialect: DialectName,
  flowTasks: string[],
  now: number,
  lease: number,
  limit: number,
): Promise<Array<{ id: number; due: number }>> {
  if (flowTasks.length === 0) return [];
  if (dialect === 'postgres') {
    const result = await sql<{ id: number; due: number }>`
      with due as (
        select id, scheduled from flowlane_task
        where status in (${sql.join(TIMED_STATUSES)}) and scheduled <= ${now} and flow_task in (${sql.join(flowTasks)})
        order by scheduled
        limit ${limit}
        for update skip locked
      )
      update flowlane_task as t set scheduled = ${lease} from due where t.id = due.id
      returning t.id, due.scheduled as due`.execute(db);
    return result.rows.map((r) => ({ id: Number(r.id), due: Number(r.due) }));
  }
  const candidates = await db
    .selectFrom('flowlane_task')
    .select(['id', 'status', 'scheduled'])
    .where('status', 'in', TIMED_STATUSES)
    .where('scheduled', '<=', now)
    .where('flow_task', 'in', flowTasks)
    .orderBy('scheduled')
    .limit(limit)
    .execute();
  const claimed: Array<{ id: number; due: number }> = [];
  for (const row of candidates) {
    const result = await db
      .updateTable('flowlane_task')
      .set({ scheduled: lease })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .where('scheduled', '=', row.scheduled)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) claimed.push({ id: Number(row.id), due: Number(row.scheduled) });
  }
  return claimed;
}

/** Due TIMER/JOB tasks of registered flows whose node is no longer a timer
 * or job (removed or renamed in code): they are skipped, with a warning.
 * (`_` in a label matches any character here; callers check the label.) */
export async function strayDueTasks(db: Db, labels: string[], known: string[], now: number, limit: number): Promise<Array<{ id: number; flowTask: string }>> {
  if (labels.length === 0) return [];
  let query = db
    .selectFrom('flowlane_task')
    .select(['id', 'flow_task'])
    .where('status', 'in', ['NEW', 'SCHEDULED'])
    .where('scheduled', '<=', now)
    .where('task_type', 'in', ['TIMER', 'JOB'])
    .where((eb) => eb.or(labels.map((label) => eb('flow_task', 'like', `${label}.%`))));
  if (known.length) query = query.where('flow_task', 'not in', known);
  const rows = await query.limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), flowTask: r.flow_task }));
}

/** Next due time of each named StartTimer that has one. */
export async function scheduleDue(db: Db, names: string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await db.selectFrom('flowlane_schedule').selectAll().where('name', 'in', names).execute();
  return new Map(rows.map((r) => [r.name, Number(r.due)]));
}

/** Records a StartTimer's first due time, unless another worker already did. */
export async function addSchedule(db: Db, dialect: DialectName, name: string, due: number): Promise<void> {
  const insert = db.insertInto('flowlane_schedule').values({ name, due });
  await (dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('name').doNothing())).execute();
}

/** Compare-and-set of a StartTimer's due time: true for the one worker that moved it. */
export async function moveSchedule(db: Db, name: string, from: number, to: number): Promise<boolean> {
  const result = await db.updateTable('flowlane_schedule').set({ due: to }).where('name', '=', name).where('due', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function childProcesses(db: Db, parentTaskId: number): Promise<Array<{ id: number; status: ProcessStatus }>> {
  const rows = await db.selectFrom('flowlane_process').select(['id', 'status']).where('parent_task_id', '=', parentTaskId).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), status: r.status }));
}

/** Running subprocess tasks none of whose children is still running: their
 * completion was lost (a crash after a child committed), so settle them. */
export async function settledSubprocessTasks(db: Db, flowTasks: string[], limit: number): Promise<number[]> {
  if (flowTasks.length === 0) return [];
  const rows = await db
    .selectFrom('flowlane_task as t')
    .select('t.id')
    .where('t.task_type', '=', 'SUBPROCESS')
    .where('t.status', '=', 'STARTED')
    .where('t.flow_task', 'in', flowTasks)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('flowlane_process as p')
            .select('p.id')
            .whereRef('p.parent_task_id', '=', 't.id')
            .where('p.status', '=', 'NEW'),
        ),
      ),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}
