/**
 * Runs the floor plan with the drivers Flowlane itself uses, minus
 * everything in between: better-sqlite3 statements prepared once and
 * reused; pg named prepared statements. SQLite gets the pragmas the
 * engine's own connection has (read back from it, so the two never differ).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../../src/index.ts';
import { sqliteFileOf } from '../../src/store/connect.ts';
import { plan, IDS_PER_PROCESS, type Transaction } from './floor-plan.ts';
import { runPool, zeroTotals, type Driver, type DriverOptions } from './measure.ts';

interface Executor {
  /** Runs one transaction (BEGIN … COMMIT). */
  transaction(statements: Transaction): Promise<void>;
  close(): Promise<void>;
}

/** The pragmas Flowlane's connection runs with, as statements to repeat. */
async function enginePragmas(url: string): Promise<string[]> {
  const open = await openDatabase(url);
  try {
    const read = async (name: string) => {
      const { sql } = await import('kysely');
      const result = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(open.db);
      return Object.values(result.rows[0] ?? {})[0];
    };
    return [
      `journal_mode = ${await read('journal_mode')}`,
      `synchronous = ${await read('synchronous')}`,
      `foreign_keys = ${await read('foreign_keys')}`,
      `busy_timeout = ${await read('busy_timeout')}`,
      `wal_autocheckpoint = ${await read('wal_autocheckpoint')}`,
      `journal_size_limit = ${await read('journal_size_limit')}`,
    ];
  } finally {
    await open.close();
  }
}

async function sqliteExecutor(url: string): Promise<Executor> {
  const pragmas = await enginePragmas(url);
  const db = new Database(sqliteFileOf(url));
  for (const pragma of pragmas) db.pragma(pragma);
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const begin = db.prepare('begin immediate');
  const commit = db.prepare('commit');
  return {
    async transaction(statements) {
      begin.run();
      for (const { sql, params } of statements) statement(sql).run(...params);
      commit.run();
    },
    async close() {
      db.close();
    },
  };
}

const numbered = new Map<string, { name: string; text: string }>();
/** `?` → `$n`, and a stable name so each connection prepares it once. */
function pgStatement(sql: string): { name: string; text: string } {
  let s = numbered.get(sql);
  if (!s) {
    let i = 0;
    s = { name: `floor_${numbered.size}`, text: sql.replace(/\?/g, () => `$${++i}`) };
    numbered.set(sql, s);
  }
  return s;
}

async function postgresExecutor(url: string, connections: number): Promise<Executor> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const idle = [...clients];
  return {
    async transaction(statements) {
      const client = idle.pop()!;
      try {
        await client.query('begin');
        for (const { sql, params } of statements) await client.query({ ...pgStatement(sql), values: params });
        await client.query('commit');
      } finally {
        idle.push(client);
      }
    },
    async close() {
      await Promise.all(clients.map((c) => c.end()));
    },
  };
}

export async function floorDriver(options: DriverOptions): Promise<Driver> {
  const executor = options.db === 'sqlite' ? await sqliteExecutor(options.url) : await postgresExecutor(options.url, options.concurrency);
  const totals = zeroTotals();
  const now = Date.now();
  let nextId = 1;
  const one = async (measured: boolean) => {
    const first = nextId;
    nextId += IDS_PER_PROCESS[options.flow];
    for (const transaction of plan(options.flow, first, now)) {
      await executor.transaction(transaction);
      if (!measured) continue;
      totals.transactions++;
      totals.control += 2;
      for (const { sql } of transaction) {
        totals.data++;
        totals[sql.startsWith('insert') ? 'insert' : 'update']++;
      }
    }
  };
  return {
    run: (count, measured) => runPool(count, options.concurrency, () => one(measured)),
    totals: () => totals,
    close: () => executor.close(),
  };
}
