/**
 * Opens a database from a URL: `sqlite:./file.db` (or `sqlite::memory:`),
 * `postgres://…`, `mysql://…`. One Kysely instance serves every dialect;
 * the differences that matter to the engine are listed in `DialectName`
 * checks in the store, nowhere else.
 */
import { Kysely, SqliteDialect, PostgresDialect, MysqlDialect, CompiledQuery, type Dialect, type DatabaseConnection } from 'kysely';
import type { Database } from './schema.ts';
import { StatementCounter, countingDialect } from './statements.ts';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

export interface DatabaseSettings {
  /** Connections in the pool (PostgreSQL, MySQL). Default 10. */
  poolSize?: number;
  /** Longest a statement may run, in ms (PostgreSQL, MySQL). Default 30 000. */
  statementTimeoutMs?: number;
  /** How long SQLite waits for another writer, in ms. Default 5 000. */
  sqliteBusyTimeoutMs?: number;
  /** SQLite `synchronous` pragma. Default NORMAL (safe with WAL). */
  sqliteSynchronous?: 'OFF' | 'NORMAL' | 'FULL';
}

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  url: string;
  statements: StatementCounter;
  close(): Promise<void>;
}

export function dialectOf(url: string): DialectName {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new Error(
    `Unsupported database URL "${url}": use sqlite:./file.db, postgres://user@host/db or mysql://user@host/db`,
  );
}

export function sqliteFileOf(url: string): string {
  return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') || ':memory:';
}

/** SQLite writers take the write lock when their transaction begins, so two
 * processes on one file never interleave a step or deadlock on upgrade. */
function immediateTransactions(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => {
      const driver = inner.createDriver();
      driver.beginTransaction = async (conn: DatabaseConnection) => {
        await conn.executeQuery(CompiledQuery.raw('begin immediate'));
      };
      return driver;
    },
  };
}

async function sqliteDialect(url: string, settings: DatabaseSettings): Promise<Dialect> {
  const { default: SQLite } = await import('better-sqlite3');
  const file = sqliteFileOf(url);
  const database = new SQLite(file, { timeout: settings.sqliteBusyTimeoutMs ?? 5_000 });
  if (file !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${settings.sqliteSynchronous ?? 'NORMAL'}`);
  database.pragma('foreign_keys = ON');
  return immediateTransactions(new SqliteDialect({ database }));
}

async function postgresDialect(url: string, settings: DatabaseSettings): Promise<Dialect> {
  const pg = await import('pg');
  const Pool = pg.default.Pool;
  // BIGINT ids and times fit in a double; read them as numbers.
  pg.default.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new Pool({
    connectionString: url,
    max: settings.poolSize ?? 10,
    statement_timeout: settings.statementTimeoutMs ?? 30_000,
  });
  return new PostgresDialect({ pool });
}

async function mysqlDialect(url: string, settings: DatabaseSettings): Promise<Dialect> {
  const mysql = await import('mysql2');
  const pool = mysql.createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: settings.poolSize ?? 10,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
  });
  const timeout = settings.statementTimeoutMs ?? 30_000;
  pool.on('connection', (conn) => {
    // MariaDB names it max_statement_time (seconds); MySQL max_execution_time (ms).
    conn.query(`SET SESSION max_statement_time = ${timeout / 1000}`, () => {
      conn.query(`SET SESSION max_execution_time = ${timeout}`, () => undefined);
    });
  });
  return new MysqlDialect({ pool: pool as any });
}

export async function openDatabase(url: string, settings: DatabaseSettings = {}): Promise<OpenDatabase> {
  const dialect = dialectOf(url);
  const inner =
    dialect === 'sqlite'
      ? await sqliteDialect(url, settings)
      : dialect === 'postgres'
        ? await postgresDialect(url, settings)
        : await mysqlDialect(url, settings);
  const statements = new StatementCounter();
  const db = new Kysely<Database>({ dialect: countingDialect(inner, statements) });
  return { db, dialect, url, statements, close: () => db.destroy() };
}
