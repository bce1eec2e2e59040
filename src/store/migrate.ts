/**
 * Versioned migrations, run by `flowlane migrate` and on engine start in
 * development. Each migration takes the dialect so column types can differ
 * where the databases do.
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { OpenDatabase, DialectName } from './connect.ts';
import * as core from './migrations/001_core.ts';
import * as auth from './migrations/002_auth.ts';
import * as schedule from './migrations/003_schedule.ts';
import * as processVersion from './migrations/004_process_version.ts';
import * as taskPrevious from './migrations/005_task_previous_column.ts';
import * as queueByPermission from './migrations/006_queue_by_permission.ts';
import * as exactNamesMysql from './migrations/007_exact_names_mysql.ts';

type Up = (db: any, dialect: DialectName) => Promise<void>;
const MIGRATIONS: Array<[string, Up]> = [
  ['001_core', core.up],
  ['002_auth', auth.up],
  ['003_schedule', schedule.up],
  ['004_process_version', processVersion.up],
  ['005_task_previous_column', taskPrevious.up],
  ['006_queue_by_permission', queueByPermission.up],
  ['007_exact_names_mysql', exactNamesMysql.up],
];

class CodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(MIGRATIONS.map(([name, up]) => [name, { up: (db) => up(db, this.dialect) }]));
  }
}

export async function migrate(database: OpenDatabase): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: new CodeMigrations(database.dialect),
    migrationTableName: 'flowlane_migration',
    migrationLockTableName: 'flowlane_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`${failed ? `Migration ${failed}` : 'Migrating'} failed on ${database.dialect}: ${(error as Error).message ?? error}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
