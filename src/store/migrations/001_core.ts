import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';

/** Long JSON text: MySQL's TEXT stops at 64 KB. */
export const jsonText = (dialect: DialectName) => (dialect === 'mysql' ? sql`longtext` : sql`text`);

export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('flowlane_sequence')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('next_id', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('flowlane_sequence').values({ name: 'id', next_id: 1 }).execute();

  await db.schema
    .createTable('flowlane_process')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
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
  await db.schema.createIndex('flowlane_process_parent').on('flowlane_process').column('parent_task_id').execute();

  await db.schema
    .createTable('flowlane_task')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
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
  // The hot reads: tasks of a process, inbox, queue, archive, due timers, jobs.
  await db.schema.createIndex('flowlane_task_process').on('flowlane_task').columns(['process_id', 'status']).execute();
  await db.schema.createIndex('flowlane_task_inbox').on('flowlane_task').columns(['owner_id', 'status', 'created']).execute();
  await db.schema
    .createIndex('flowlane_task_queue')
    .on('flowlane_task')
    .columns(['task_type', 'status', 'owner_permission', 'created'])
    .execute();
  await db.schema.createIndex('flowlane_task_archive').on('flowlane_task').columns(['owner_id', 'finished']).execute();
  await db.schema.createIndex('flowlane_task_due').on('flowlane_task').columns(['status', 'scheduled']).execute();
  await db.schema.createIndex('flowlane_task_flow_task').on('flowlane_task').columns(['flow_task', 'status']).execute();

  await db.schema
    .createTable('flowlane_task_previous')
    .addColumn('task_id', 'bigint', (c) => c.notNull().references('flowlane_task.id'))
    .addColumn('previous_id', 'bigint', (c) => c.notNull().references('flowlane_task.id'))
    .addPrimaryKeyConstraint('flowlane_task_previous_pk', ['task_id', 'previous_id'])
    .execute();
  await db.schema.createIndex('flowlane_task_previous_rev').on('flowlane_task_previous').column('previous_id').execute();
}
