import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';

/**
 * Names compare byte for byte on MySQL/MariaDB as they do in the engine and
 * on SQLite and PostgreSQL. The tables took the server's default collation
 * (utf8mb4_general_ci), which ignores case, accents and trailing spaces: a
 * node `Secret` matched the tasks of a node `secret`, a codename `DOC.review`
 * the tasks of `doc.review`, so a queue listed tasks the user may not take;
 * `flowlane user create --group clerks` joined the group `Clerks`.
 * The collation is binary and does not pad (`utf8mb4_bin` still ignores
 * trailing spaces): MariaDB's `utf8mb4_nopad_bin` or MySQL 8's
 * `utf8mb4_0900_bin`. Each name column keeps its type and nullability; the
 * server rebuilds the indexes on it.
 */
const NAME_COLUMNS: Record<string, Array<[column: string, type: string, nullability: 'null' | 'not null']>> = {
  flowlane_process: [
    ['flow', 'varchar(200)', 'not null'],
    ['status', 'varchar(16)', 'not null'],
    ['artifact_type', 'varchar(200)', 'null'],
    ['artifact_id', 'varchar(200)', 'null'],
    ['seed_type', 'varchar(200)', 'null'],
    ['seed_id', 'varchar(200)', 'null'],
  ],
  flowlane_task: [
    ['flow_task', 'varchar(255)', 'not null'],
    ['task_type', 'varchar(32)', 'not null'],
    ['status', 'varchar(16)', 'not null'],
    ['token', 'varchar(255)', 'not null'],
    ['external_task_id', 'varchar(255)', 'null'],
    ['owner_permission', 'varchar(255)', 'null'],
  ],
  flowlane_schedule: [['name', 'varchar(255)', 'not null']],
  // Users, groups and codenames are told apart exactly on the other
  // databases and in the permission rule; sessions and CSRF tokens are secrets.
  flowlane_user: [['username', 'varchar(150)', 'not null']],
  flowlane_group: [['name', 'varchar(150)', 'not null']],
  flowlane_permission: [['codename', 'varchar(255)', 'not null']],
  flowlane_session: [
    ['id', 'varchar(64)', 'not null'],
    ['csrf_token', 'varchar(64)', 'not null'],
  ],
};

export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect !== 'mysql') return;
  const { rows } = await sql<{ Collation: string }>`show collation where Collation in ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')`.execute(db);
  const collation = rows[0]?.Collation ?? 'utf8mb4_bin';
  for (const [table, columns] of Object.entries(NAME_COLUMNS)) {
    const changes = columns.map(
      ([column, type, nullability]) => `modify \`${column}\` ${type} character set utf8mb4 collate ${collation} ${nullability}`,
    );
    await sql.raw(`alter table \`${table}\` ${changes.join(', ')}`).execute(db);
  }
}
