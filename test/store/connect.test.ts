/**
 * Connections by URL on each database: the settings reach the session,
 * the pool keeps to its size, BIGINTs read as numbers, and the behaviour
 * the engine's compare-and-set relies on holds on every dialect.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, openDatabase, type Activation, type OpenDatabase } from '../../src/index.ts';
import { dialectOf, sqliteFileOf } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { Repository } from '../../src/store/repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';

describe('database URLs', () => {
  it('picks the dialect from the scheme and names the accepted forms otherwise', () => {
    expect(dialectOf('sqlite:./x.db')).toBe('sqlite');
    expect(dialectOf('postgresql://u@h/db')).toBe('postgres');
    expect(dialectOf('mariadb://u@h/db')).toBe('mysql');
    expect(() => dialectOf('oracle://h/db')).toThrow(/Unsupported database URL "oracle:\/\/h\/db": use sqlite:/);
  });

  it('reads SQLite file paths, absolute and in memory', () => {
    expect(sqliteFileOf('sqlite:./data/app.db')).toBe('./data/app.db');
    expect(sqliteFileOf('sqlite:///var/app.db')).toBe('/var/app.db');
    expect(sqliteFileOf('sqlite::memory:')).toBe(':memory:');
  });

  it('refuses settings that would end up malformed in SQL', async () => {
    await expect(openDatabase('sqlite::memory:', { sqliteSynchronous: 'OFF; drop table x' as never })).rejects.toThrow(/sqliteSynchronous/);
    await expect(openDatabase('sqlite::memory:', { lockTimeoutMs: Number.NaN })).rejects.toThrow(/lockTimeoutMs/);
    await expect(openDatabase('sqlite::memory:', { poolSize: 0 })).rejects.toThrow(/poolSize/);
  });
});

/** Two human tasks side by side. */
class Pair extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.a).Always(self.b);
  a = flow.View().Next(self.end);
  b = flow.View().Next(self.end);
  end = flow.End();
}

/** One session setting, as the database reports it. */
async function setting(database: OpenDatabase, name: string): Promise<unknown> {
  if (database.dialect === 'sqlite') {
    const row = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(database.db);
    return Object.values(row.rows[0]!)[0];
  }
  const query = database.dialect === 'postgres' ? sql<{ v: unknown }>`select current_setting(${name}) as v` : sql<{ v: unknown }>`select ${sql.raw(`@@${name}`)} as v`;
  return (await query.execute(database.db)).rows[0]!.v;
}

await describeEachDatabase('connections', (db) => {
  let database: OpenDatabase;
  beforeAll(async () => {
    database = await openDatabase(db.url);
    await migrate(database);
  });
  afterAll(() => database?.close());

  it('applies the documented defaults and the given settings to every session', async () => {
    const custom = await openDatabase(db.url, { statementTimeoutMs: 1_500, lockTimeoutMs: 2_500, sqliteBusyTimeoutMs: 700, sqliteSynchronous: 'FULL' });
    try {
      if (db.kind === 'sqlite') {
        expect([await setting(database, 'journal_mode'), await setting(database, 'synchronous')]).toEqual(['wal', 1 /* NORMAL */]);
        expect([await setting(custom, 'synchronous'), await setting(custom, 'foreign_keys')]).toEqual([2, 1]);
        // SQLite itself answers "busy" at once: Flowlane waits (sqliteBusyTimeoutMs) off the event loop.
        expect(await setting(custom, 'busy_timeout')).toBe(0);
      } else if (db.kind === 'postgres') {
        expect([await setting(database, 'statement_timeout'), await setting(database, 'lock_timeout')]).toEqual(['30s', '5s']);
        expect([await setting(custom, 'statement_timeout'), await setting(custom, 'lock_timeout')]).toEqual(['1500ms', '2500ms']);
        expect(await setting(custom, 'transaction_isolation')).toBe('read committed');
      } else {
        expect([Number(await setting(database, 'max_statement_time')), Number(await setting(database, 'innodb_lock_wait_timeout'))]).toEqual([30, 5]);
        // whole seconds, rounded up
        expect([Number(await setting(custom, 'max_statement_time')), Number(await setting(custom, 'innodb_lock_wait_timeout'))]).toEqual([1.5, 3]);
        expect(await setting(custom, 'tx_isolation')).toBe('READ-COMMITTED');
      }
    } finally {
      await custom.close();
    }
  });

  it.skipIf(db.kind === 'sqlite')('a statement that outlasts the statement timeout is canceled', async () => {
    const quick = await openDatabase(db.url, { statementTimeoutMs: 200 });
    try {
      // (MariaDB stops sleep() and benchmark() quietly; a big join it reports.)
      const slow =
        db.kind === 'postgres'
          ? sql`select pg_sleep(2)`
          : sql`select count(*) from information_schema.collations a, information_schema.collations b, information_schema.collations c`;
      const began = Date.now();
      await expect(slow.execute(quick.db)).rejects.toThrow(/statement timeout|max_statement_time|interrupted/i);
      expect(Date.now() - began).toBeLessThan(1_500);
    } finally {
      await quick.close();
    }
  });

  it.skipIf(db.kind === 'sqlite')('keeps to its pool size', async () => {
    const small = await openDatabase(db.url, { poolSize: 3 });
    try {
      const who = db.kind === 'postgres' ? sql<{ id: number }>`select pg_backend_pid() as id, pg_sleep(0.05)` : sql<{ id: number }>`select connection_id() as id, sleep(0.05)`;
      const ids = await Promise.all(Array.from({ length: 12 }, async () => (await who.execute(small.db)).rows[0]!.id));
      expect(new Set(ids).size).toBe(3);
    } finally {
      await small.close();
    }
  });

  it('reads BIGINT ids and times as numbers (PostgreSQL: in its own pool only)', async () => {
    await sql`update flowlane_sequence set next_id = 5000000000 where name = 'id'`.execute(database.db);
    const engine = await engineOn(db.url, [Pair], { database });
    const process = await engine.start(Pair, 'start');
    expect(process.id).toBeGreaterThan(2 ** 32);
    const read = await engine.getProcess(process.id);
    expect([read.id, read.created]).toEqual([process.id, process.created]);
    expect(typeof (await engine.getTasks(process.id))[0]!.id).toBe('number');
    if (db.kind === 'postgres') expect(pg.types.getTypeParser(20)('7')).toBe('7');
  });

  it('an UPDATE that matches a row but changes nothing still counts it (the compare-and-set relies on it)', async () => {
    const engine = await engineOn(db.url, [Pair], { database });
    const process = await engine.start(Pair, 'start');
    const ids = (await engine.getTasks(process.id)).filter((t) => t.status === 'NEW').map((t) => t.id);
    expect(ids).toHaveLength(2);
    const repo = new Repository(database.dialect);
    await repo.updateTasks(database.db, ids.slice(0, 1), 'NEW', { comments: 'x' });
    // MySQL reports changed rows unless the client asks for found rows (mysql2 does).
    expect(await repo.updateTasks(database.db, ids, 'NEW', { comments: 'x' })).toBe(2);
    expect(await repo.updateTasks(database.db, ids, 'DONE', { comments: 'y' })).toBe(0);
  });
});

const Text = z.object({ text: z.string().default('') });
class Note extends Flow<z.infer<typeof Text>> {
  static data = Text;
  start = flow.StartHandle(self.write).Next(self.end);
  end = flow.End();
  write(activation: Activation<z.infer<typeof Text>>, text: string) {
    activation.process.data.text = text;
  }
}

await describeEachDatabase('process data', (db) => {
  it('keeps 200 KB of text with characters outside the BMP', async () => {
    const engine = await engineOn(db.url, [Note]);
    try {
      const text = `${'Grüße 🚚 '.repeat(20_000)}end`;
      const process = await engine.start(Note, 'start', { args: [text] });
      expect((await engine.getProcess<z.infer<typeof Text>>(process.id)).data.text).toBe(text);
    } finally {
      await engine.close();
    }
  });
});
