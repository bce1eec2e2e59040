/**
 * The database schema as Kysely sees it. Times are epoch milliseconds
 * (BIGINT) so that every dialect stores, compares and indexes them alike;
 * JSON columns are text. Ids are assigned by the engine (see ids.ts), so
 * rows can be written in multi-row statements without RETURNING.
 */
import type { ColumnType, Generated } from 'kysely';

export type ProcessStatus = 'NEW' | 'DONE' | 'CANCELED';
export type TaskStatus =
  | 'NEW'
  | 'ASSIGNED'
  | 'STARTED'
  | 'SCHEDULED'
  | 'DONE'
  | 'CANCELED'
  | 'ERROR'
  | 'REVIVED';

export interface ProcessTable {
  id: number;
  flow: string;
  status: ProcessStatus;
  created: number;
  finished: number | null;
  data: string;
  parent_task_id: number | null;
  artifact_type: string | null;
  artifact_id: string | null;
  seed_type: string | null;
  seed_id: string | null;
  /** Bumped by every step that writes; see migration 004. */
  version: number;
}

export interface TaskTable {
  id: number;
  process_id: number;
  flow_task: string;
  task_type: string;
  status: TaskStatus;
  created: number;
  assigned: number | null;
  started: number | null;
  finished: number | null;
  scheduled: number | null;
  token: string;
  external_task_id: string | null;
  owner_id: number | null;
  owner_permission: string | null;
  data: string;
  comments: string | null;
  /** Ids of the tasks that led to this one, joined by commas; null when none. */
  previous: string | null;
}

export interface SequenceTable {
  name: string;
  next_id: number;
}

export interface ScheduleTable {
  name: string;
  due: number;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  email: string;
  is_superuser: ColumnType<number, number | undefined, number>;
  is_active: ColumnType<number, number | undefined, number>;
  created: number;
}

export interface GroupTable {
  id: Generated<number>;
  name: string;
}

export interface UserGroupTable {
  user_id: number;
  group_id: number;
}

export interface PermissionTable {
  id: Generated<number>;
  codename: string;
  name: string;
}

export interface UserPermissionTable {
  user_id: number;
  permission_id: number;
}

export interface GroupPermissionTable {
  group_id: number;
  permission_id: number;
}

export interface SessionTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created: number;
  expires: number;
}

export interface Database {
  flowlane_process: ProcessTable;
  flowlane_task: TaskTable;
  flowlane_sequence: SequenceTable;
  flowlane_schedule: ScheduleTable;
  flowlane_user: UserTable;
  flowlane_group: GroupTable;
  flowlane_user_group: UserGroupTable;
  flowlane_permission: PermissionTable;
  flowlane_user_permission: UserPermissionTable;
  flowlane_group_permission: GroupPermissionTable;
  flowlane_session: SessionTable;
}

export type ProcessRow = ProcessTable;
export type TaskRow = TaskTable;

/**
 * The columns of the engine's rows, for statements that name them rather
 * than `select *` (a prepared statement's result must not change shape
 * when a migration adds a column). The checks below fail to compile when
 * a table gains a column that is not listed.
 */
export const PROCESS_COLUMNS = [
  'id', 'flow', 'status', 'created', 'finished', 'data', 'parent_task_id', 'artifact_type', 'artifact_id', 'seed_type', 'seed_id', 'version',
] as const satisfies ReadonlyArray<keyof ProcessTable>;
export const TASK_COLUMNS = [
  'id', 'process_id', 'flow_task', 'task_type', 'status', 'created', 'assigned', 'started', 'finished', 'scheduled', 'token',
  'external_task_id', 'owner_id', 'owner_permission', 'data', 'comments', 'previous',
] as const satisfies ReadonlyArray<keyof TaskTable>;
type Unlisted<T, L extends ReadonlyArray<keyof T>> = Exclude<keyof T, L[number]>;
export const processColumnsComplete: [Unlisted<ProcessTable, typeof PROCESS_COLUMNS>] extends [never] ? true : never = true;
export const taskColumnsComplete: [Unlisted<TaskTable, typeof TASK_COLUMNS>] extends [never] ? true : never = true;
