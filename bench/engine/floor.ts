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
import { FLOWS, type FlowName } from '../flows.ts';
import { plan, IDS_PER_PROCESS, type Transaction } from './floor-plan.ts';
import { heapAfterGcMB, peakRssMB, rssMB, runPool, startCost, type RunResult } from './measure.ts';

export interface FloorRun {
  url: string;
  db: RunResult['db'];
  flow: FlowName;
  n: number;
  warmup: number;
  concurrency: number;
}

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

export async function runFloor(options: FloorRun): Promise<RunResult> {
  const executor = options.db === 'sqlite' ? await sqliteExecutor(options.url) : await postgresExecutor(options.url, options.concurrency);
  const counts = { data: 0, control: 0, insert: 0, update: 0, transactions: 0 };
  const now = Date.now();
  let nextId = 1;
  const one = async (count: boolean) => {
    const first = nextId;
    nextId += IDS_PER_PROCESS[options.flow];
    for (const transaction of plan(options.flow, first, now)) {
      await executor.transaction(transaction);
      if (!count) continue;
      counts.transactions++;
      counts.control += 2;
      for (const { sql } of transaction) {
        counts.data++;
        counts[sql.startsWith('insert') ? 'insert' : 'update']++;
      }
    }
  };
  try {
    await runPool(options.warmup, options.concurrency, () => one(false));
    // No forced GC here: a full collection right before the measured run
    // slows the run after it (measured: 3,366 -> 2,006 processes/s at N = 1,000).
    const heapBefore = process.memoryUsage().heapUsed / 2 ** 20;
    const baseRssMB = rssMB();
    const stopCost = startCost();
    const started = performance.now();
    await runPool(options.n, options.concurrency, () => one(true));
    const seconds = (performance.now() - started) / 1000;
    const cost = stopCost(options.n);
    const per = (v: number) => v / options.n;
    return {
      who: 'floor',
      db: options.db,
      flow: options.flow,
      n: options.n,
      concurrency: options.concurrency,
      seconds,
      processesPerSecond: options.n / seconds,
      tasksPerSecond: (options.n * FLOWS[options.flow].tasks) / seconds,
      perProcess: {
        data: per(counts.data),
        control: per(counts.control),
        select: 0,
        insert: per(counts.insert),
        update: per(counts.update),
        delete: 0,
        transactions: per(counts.transactions),
      },
      ...cost,
      peakRssMB: peakRssMB(),
      baseRssMB,
      heapAfterGcMB: { before: heapBefore, after: heapAfterGcMB() },
    };
  } finally {
    await executor.close();
  }
}
