import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';

/** Long JSON text: MySQL's TEXT stops at 64 KB. */
export const jsonText = (dialect: DialectName) => (dialect === 'mysql' ? sql`longtext` : sql`text`);

/** A row id. On SQLite exactly `integer primary key` makes the column the
 * table's rowid; `bigint primary key` would add a second B-tree (a unique
 * index) that every insert writes. Both hold 64-bit integers. */
const rowId = (dialect: DialectName) => (dialect === 'sqlite' ? 'integer' : 'bigint');

/**
 * Every index is written by the steps that insert or change rows, so the
 * task indexes are partial where the database allows it (SQLite,
 * PostgreSQL): each holds only the rows its reads look for, and a gateway
 * or a handle task that never has an owner, a queue or a due time never
 * touches those indexes. MySQL/MariaDB get the same columns, unfiltered.
 */
export function createIndex(db: Kysely<any>, dialect: DialectName, name: string, table: string, columns: string[], where?: string) {
  const builder = db.schema.createIndex(name).on(table).columns(columns);
  return (where && dialect !== 'mysql' ? builder.where(sql.raw<boolean>(where)) : builder).execute();
}

export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('flowlane_sequence')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('next_id', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('flowlane_sequence').values({ name: 'id', next_id: 1 }).execute();

  await db.schema
    .createTable('flowlane_process')
    .addColumn('id', rowId(dialect), (c) => c.primaryKey())
    .addColumn('flow', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('finished', 'bigint')
    .addColumn('data', jsonText(dialect), (c) => c.notNull())
    .addColumn('parent_task_id', 'bigint')
    .addColumn('artifact_type', 'varchar(200)')
    .addColumn('artifact_id', 'varchar(200)')
    .addColumn('seed_type', 'varchar(200)')
    .addColumn('seed_id', 'varchar(200)')
    .execute();
  await db.schema.createIndex('flowlane_process_flow_status').on('flowlane_process').columns(['flow', 'status', 'created']).execute();
  await createIndex(db, dialect, 'flowlane_process_parent', 'flowlane_process', ['parent_task_id'], 'parent_task_id is not null');

  await db.schema
    .createTable('flowlane_task')
    .addColumn('id', rowId(dialect), (c) => c.primaryKey())
    .addColumn('process_id', 'bigint', (c) => c.notNull().references('flowlane_process.id'))
    .addColumn('flow_task', 'varchar(255)', (c) => c.notNull())
    .addColumn('task_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('assigned', 'bigint')
    .addColumn('started', 'bigint')
    .addColumn('finished', 'bigint')
    .addColumn('scheduled', 'bigint')
    .addColumn('token', 'varchar(255)', (c) => c.notNull())
    .addColumn('external_task_id', 'varchar(255)')
    .addColumn('owner_id', 'bigint')
    .addColumn('owner_permission', 'varchar(255)')
    .addColumn('data', jsonText(dialect), (c) => c.notNull())
    .addColumn('comments', 'text')
    .execute();
  // The hot reads. Tasks of a process: every step loads its process's active tasks.
  await db.schema.createIndex('flowlane_task_process').on('flowlane_task').columns(['process_id', 'status']).execute();
  const taskIndex = (name: string, columns: string[], where: string) => createIndex(db, dialect, name, 'flowlane_task', columns, where);
  // Inbox (owner, working statuses) and archive (owner, DONE, newest finished first) share one index.
  await taskIndex('flowlane_task_owner', ['owner_id', 'status', 'finished'], 'owner_id is not null');
  // Queue: unassigned human tasks by the permission that may take them. It
  // holds every column a queue page filters on and the id it sorts by, so the
  // page and its total come from the index alone (PostgreSQL index-only scan).
  await taskIndex(
    'flowlane_task_queue',
    ['task_type', 'status', 'owner_permission', 'flow_task', 'id'],
    "status = 'NEW' and task_type = 'HUMAN' and owner_id is null",
  );
  // Due timers, jobs and leases: only tasks with a due time.
  await taskIndex('flowlane_task_due', ['status', 'scheduled'], 'scheduled is not null');
  // Active tasks by node: dashboards, subprocess settling.
  await taskIndex('flowlane_task_active', ['flow_task', 'status'], "status in ('NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR')");

  await db.schema
    .createTable('flowlane_task_previous')
    .addColumn('task_id', 'bigint', (c) => c.notNull().references('flowlane_task.id'))
    .addColumn('previous_id', 'bigint', (c) => c.notNull().references('flowlane_task.id'))
    .addPrimaryKeyConstraint('flowlane_task_previous_pk', ['task_id', 'previous_id'])
    // SQLite: the primary key is the table, not a B-tree beside a rowid one.
    .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
    .execute();
  await db.schema.createIndex('flowlane_task_previous_rev').on('flowlane_task_previous').column('previous_id').execute();
}
