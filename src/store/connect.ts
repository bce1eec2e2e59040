/**
 * Opens a database from a URL: `sqlite:./file.db` (or `sqlite::memory:`),
 * `postgres://…`, `mysql://…`. One Kysely instance serves every dialect;
 * the differences that matter to the engine are listed in `DialectName`
 * checks in the store, nowhere else.
 */
import { Kysely, SqliteDialect, PostgresDialect, MysqlDialect, CompiledQuery, type Dialect, type DatabaseConnection, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';
import { StatementCounter, countingDialect } from './statements.ts';
import { withStatementCache } from './sqlite-statements.ts';
import { runShapesAsNamedStatements } from './pg-statements.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

export interface DatabaseSettings {
  /** Connections in the pool (PostgreSQL, MySQL). Default 10. Id blocks are
   * reserved on one extra connection of their own. */
  poolSize?: number;
  /** Longest a statement may run, in ms (PostgreSQL `statement_timeout`,
   * MariaDB `max_statement_time`, MySQL `max_execution_time`). Default 30 000. */
  statementTimeoutMs?: number;
  /** Longest a statement waits for a row lock, in ms (PostgreSQL
   * `lock_timeout`, MySQL/MariaDB `innodb_lock_wait_timeout`, rounded up to
   * whole seconds). Default 5 000. A wait that runs out is a lock conflict:
   * `lock.rowLock` retries it, then throws LockError. */
  lockTimeoutMs?: number;
  /** How long SQLite waits for another writer, in ms. Default 5 000. The
   * wait does not block the event loop. */
  sqliteBusyTimeoutMs?: number;
  /** SQLite `synchronous` pragma. Default NORMAL (safe with WAL). */
  sqliteSynchronous?: 'OFF' | 'NORMAL' | 'FULL';
  /** SQLite `journal_mode` of a file database. Default WAL: readers never
   * wait for the writer. */
  sqliteJournalMode?: 'WAL' | 'DELETE';
  /** SQLite WAL pages written before they are copied back into the
   * database file (`wal_autocheckpoint`). Default 16 000 (64 MB with 4 KB
   * pages; SQLite's own default is 1 000): each checkpoint syncs the disk
   * twice, and the pages a step rewrites every time (the last leaf of each
   * index) are copied once per checkpoint, so fewer, larger checkpoints
   * write much less. The WAL file is kept to that size afterwards. */
  sqliteWalAutocheckpoint?: number;
  /** PostgreSQL: run the engine's step statements as named prepared
   * statements, planned once per connection. Default true; set false
   * behind a pooler that shares server sessions (PgBouncer transaction mode). */
  postgresPreparedStatements?: boolean;
}

export const DEFAULT_SETTINGS = {
  poolSize: 10,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 5_000,
  sqliteBusyTimeoutMs: 5_000,
  sqliteSynchronous: 'NORMAL',
  sqliteJournalMode: 'WAL',
  sqliteWalAutocheckpoint: 16_000,
  postgresPreparedStatements: true,
} as const satisfies Required<DatabaseSettings>;

export interface OpenDatabase {
  db: Kysely<Database>;
  /** Where id blocks are reserved (see ids.ts): on PostgreSQL and MySQL a
   * one-connection pool of its own, so steps holding every pooled
   * connection can still get ids; on SQLite the same database as `db`. */
  sequence: Kysely<Database>;
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

/**
 * Waits for a busy SQLite file off the event loop: a statement refused
 * with SQLITE_BUSY is retried after a short jittered pause until the busy
 * timeout. better-sqlite3's own busy handler sleeps synchronously, which
 * would freeze every request of the process meanwhile, and deadlock two
 * connections of one process. A refused statement changed nothing, and a
 * transaction survives a refused COMMIT, so retrying is safe.
 */
class PatientConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly busyTimeoutMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (error) {
        const code = String((error as { code?: unknown }).code);
        if (!code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      }
      await sleep(Math.min(Math.random() * Math.min(50, 2 ** attempt), Math.max(0, deadline - Date.now())));
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * SQLite writers take the write lock when their transaction begins, so two
 * processes on one file never interleave a step or deadlock on upgrade; the
 * wait for it is the patient connection's.
 */
function sqliteWriterDialect(inner: Dialect, busyTimeoutMs: number): Dialect {
  const begin = CompiledQuery.raw('begin immediate');
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => {
      const driver = inner.createDriver();
      const acquire = driver.acquireConnection.bind(driver);
      const patient = new WeakMap<DatabaseConnection, PatientConnection>();
      driver.acquireConnection = async () => {
        const conn = await acquire();
        let wrapper = patient.get(conn);
        if (!wrapper) patient.set(conn, (wrapper = new PatientConnection(conn, busyTimeoutMs)));
        return wrapper;
      };
      driver.beginTransaction = async (conn: DatabaseConnection) => {
        await conn.executeQuery(begin);
      };
      return driver;
    },
  };
}

async function sqliteDialect(url: string, settings: Required<DatabaseSettings>): Promise<Dialect> {
  const { default: SQLite } = await import('better-sqlite3');
  const file = sqliteFileOf(url);
  // The pragmas below may wait for another writer synchronously, once, at open.
  const database = new SQLite(file, { timeout: settings.sqliteBusyTimeoutMs });
  if (file !== ':memory:') database.pragma(`journal_mode = ${settings.sqliteJournalMode}`);
  database.pragma(`synchronous = ${settings.sqliteSynchronous}`);
  database.pragma('foreign_keys = ON');
  if (file !== ':memory:' && settings.sqliteJournalMode === 'WAL') {
    database.pragma(`wal_autocheckpoint = ${settings.sqliteWalAutocheckpoint}`);
    const pageSize = Number(database.pragma('page_size', { simple: true }));
    database.pragma(`journal_size_limit = ${settings.sqliteWalAutocheckpoint * pageSize}`);
  }
  // From here on SQLite answers "busy" at once and the wait is asynchronous (PatientConnection).
  database.pragma('busy_timeout = 0');
  return sqliteWriterDialect(new SqliteDialect({ database: withStatementCache(database) }), settings.sqliteBusyTimeoutMs);
}

async function postgresDialect(url: string, settings: Required<DatabaseSettings>, poolSize: number): Promise<Dialect> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    statement_timeout: settings.statementTimeoutMs,
    lock_timeout: settings.lockTimeoutMs,
    // BIGINT ids and times fit in a double: read them as numbers, in this
    // pool only (a global parser would change the application's own pg use).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose server connection ends (restart, admin terminate)
  // is reported on the pool; unhandled, that event would crash the process.
  // The pool has already dropped the client, and the next query that needs
  // the server surfaces any real outage, so nothing else is to be done here.
  pool.on('error', () => undefined);
  if (settings.postgresPreparedStatements) pool.on('connect', runShapesAsNamedStatements);
  return new PostgresDialect({ pool });
}

async function mysqlDialect(url: string, settings: Required<DatabaseSettings>, poolSize: number): Promise<Dialect> {
  const mysql = await import('mysql2');
  const pool = mysql.createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: poolSize,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
  });
  return new MysqlDialect({
    pool: pool as any,
    // Session settings, once per new connection (not counted as step statements).
    onCreateConnection: async (conn) => {
      // READ COMMITTED, as on PostgreSQL: a step reads its tasks after its lock
      // is granted and must see what the previous holder committed. Under
      // InnoDB's REPEATABLE READ the snapshot can predate the lock (the
      // process-of-task subquery of the locking read takes it), and a Join
      // waiting on stale tasks was duplicated (test/concurrency/join.test.ts).
      await conn.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed'));
      const version = await conn.executeQuery<{ v: string }>(CompiledQuery.raw('select version() as v'));
      const mariadb = /mariadb/i.test(version.rows[0]?.v ?? '');
      const statement = mariadb
        ? `max_statement_time = ${settings.statementTimeoutMs / 1000}` // seconds, applies to every statement
        : `max_execution_time = ${Math.round(settings.statementTimeoutMs)}`; // ms, SELECTs only
      const lockWait = Math.max(1, Math.ceil(settings.lockTimeoutMs / 1000));
      await conn.executeQuery(CompiledQuery.raw(`set session ${statement}, innodb_lock_wait_timeout = ${lockWait}`));
    },
  });
}

function serverDialect(dialect: 'postgres' | 'mysql', url: string, settings: Required<DatabaseSettings>, poolSize: number): Promise<Dialect> {
  return dialect === 'postgres' ? postgresDialect(url, settings, poolSize) : mysqlDialect(url, settings, poolSize);
}

export async function openDatabase(url: string, options: DatabaseSettings = {}): Promise<OpenDatabase> {
  const dialect = dialectOf(url);
  const settings = checkSettings({ ...DEFAULT_SETTINGS, ...withoutUndefined(options) });
  const statements = new StatementCounter();
  const open = (inner: Dialect) => new Kysely<Database>({ dialect: countingDialect(inner, statements) });
  if (dialect === 'sqlite') {
    const db = open(await sqliteDialect(url, settings));
    return { db, sequence: db, dialect, url, statements, close: () => db.destroy() };
  }
  const db = open(await serverDialect(dialect, url, settings, settings.poolSize));
  const sequence = open(await serverDialect(dialect, url, settings, 1));
  return {
    db,
    sequence,
    dialect,
    url,
    statements,
    close: async () => {
      await Promise.all([db.destroy(), sequence.destroy()]);
    },
  };
}

/** Settings end up in SQL text (pragmas, SET): only known values pass. */
function checkSettings(settings: Required<DatabaseSettings>): Required<DatabaseSettings> {
  for (const key of ['poolSize', 'statementTimeoutMs', 'lockTimeoutMs', 'sqliteBusyTimeoutMs', 'sqliteWalAutocheckpoint'] as const) {
    const value = settings[key];
    if (!Number.isFinite(value) || value < (key === 'poolSize' ? 1 : 0)) throw new Error(`Database setting ${key} must be a number, got ${value}`);
  }
  if (!['OFF', 'NORMAL', 'FULL'].includes(settings.sqliteSynchronous)) throw new Error(`sqliteSynchronous must be OFF, NORMAL or FULL`);
  if (!['WAL', 'DELETE'].includes(settings.sqliteJournalMode)) throw new Error(`sqliteJournalMode must be WAL or DELETE`);
  if (typeof settings.postgresPreparedStatements !== 'boolean') throw new Error('postgresPreparedStatements must be true or false');
  return settings;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
