import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';
import { jsonText } from './001_core.ts';

/**
 * The tasks that led to a task move from the task_previous table into the
 * task row (`previous`: ids joined by commas, null when none). Links never
 * cross processes, and every read of them already had the task rows at
 * hand; as a table they cost every step one more INSERT and two more
 * B-trees (table and reverse index) to write.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema.alterTable('flowlane_task').addColumn('previous', jsonText(dialect)).execute();
  if (dialect === 'postgres') {
    await sql`update flowlane_task t set previous = s.ids
      from (select task_id, string_agg(previous_id::text, ',' order by previous_id) as ids from flowlane_task_previous group by task_id) s
      where t.id = s.task_id`.execute(db);
  } else if (dialect === 'mysql') {
    await sql`update flowlane_task t
      join (select task_id, group_concat(previous_id order by previous_id separator ',') as ids from flowlane_task_previous group by task_id) s
      on t.id = s.task_id set t.previous = s.ids`.execute(db);
  } else {
    await sql`update flowlane_task set previous = (
        select group_concat(previous_id, ',') from (select previous_id from flowlane_task_previous where task_id = flowlane_task.id order by previous_id)
      ) where id in (select task_id from flowlane_task_previous)`.execute(db);
  }
  await db.schema.dropTable('flowlane_task_previous').execute();
}
