/**
 * better-sqlite3 compiles SQL on every `prepare()`, and Kysely's SQLite
 * driver prepares every query it runs. Steps send the same few SQL texts
 * again and again, so compiling dominated the cost of a statement. This
 * wrapper keeps compiled statements by text, least recently used first out.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct texts kept: multi-row INSERTs and `id in (…)` lists vary by row count. */
const DEFAULT_SIZE = 500;

export function withStatementCache(database: BetterSqlite3.Database, size = DEFAULT_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) {
        // A statement being iterated (a streamed query) cannot run again
        // until it is done: hand out a fresh one meanwhile.
        if (cached.busy) return database.prepare(sql);
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}
