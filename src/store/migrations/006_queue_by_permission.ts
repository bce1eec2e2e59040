import type { Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';
import { createIndex } from './001_core.ts';

const QUEUED = "status = 'NEW' and task_type = 'HUMAN' and owner_id is null";

/**
 * The queue index led by the owner permission, so a queue read seeks to the
 * user's permissions instead of reading the whole queue. The old index led
 * with task_type and status, which the partial predicate makes constant:
 * PostgreSQL dropped those terms and could not enter the index at the
 * permissions. It keeps `flow_task` and `id`, so a page and its total come
 * from the index alone (index-only scan).
 *
 * A group inside a list (`groups:a,b`) cannot be sought in it (only the first
 * group is a prefix), so the lists get their own partial index, which holds
 * only queued tasks with a group list: few, and written by no other task.
 *
 * MySQL/MariaDB keep the old index: without a partial predicate the leading
 * task_type and status are what narrow it to the queue, and there they are
 * equality seeks ahead of the permission.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect === 'mysql') return;
  await db.schema.dropIndex('flowlane_task_queue').execute();
  await createIndex(db, dialect, 'flowlane_task_queue', 'flowlane_task', ['owner_permission', 'flow_task', 'id'], QUEUED);
  await createIndex(db, dialect, 'flowlane_task_queue_lists', 'flowlane_task', ['flow_task', 'owner_permission', 'id'], `${QUEUED} and owner_permission like 'groups:%,%'`);
}
