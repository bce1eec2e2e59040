/**
 * Bulk-loads the scale data straight into the engine's tables with
 * multi-row prepared INSERTs, in large transactions. The migration's
 * secondary indexes are dropped first and rebuilt from their own stored
 * definitions afterwards (faster than maintaining them row by row, and
 * the result is the same index), then the planner statistics are refreshed.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFileOf } from '../../src/store/connect.ts';
import { generate, type Batch, type ScaleShape } from './generate.ts';

const TABLES = ['flowlane_process', 'flowlane_task'] as const;
const COLUMNS = {
  flowlane_process: ['id', 'flow', 'status', 'created', 'finished', 'data', 'parent_task_id', 'artifact_type', 'artifact_id', 'seed_type', 'seed_id'],
  flowlane_task: [
    'id', 'process_id', 'flow_task', 'task_type', 'status', 'created', 'assigned', 'started', 'finished', 'scheduled', 'token',
    'external_task_id', 'owner_id', 'owner_permission', 'data', 'comments', 'previous',
  ],
} as const;

/** Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const ROWS_PER_INSERT = 1000;

interface Loader {
  indexes(): Promise<Array<{ name: string; sql: string }>>;
  exec(sql: string): Promise<void>;
  insert(table: (typeof TABLES)[number], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

const placeholders = (rows: number, columns: number, dollar: boolean) => {
  let i = 0;
  const one = () => `(${Array.from({ length: columns }, () => (dollar ? `$${++i}` : '?')).join(', ')})`;
  return Array.from({ length: rows }, one).join(', ');
};

function sqliteLoader(url: string): Loader {
  const db = new Database(sqliteFileOf(url));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const prepared = new Map<string, Database.Statement>();
  return {
    async indexes() {
      return db
        .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${TABLES.map(() => '?').join(', ')})`)
        .all(...TABLES) as Array<{ name: string; sql: string }>;
    },
    async exec(sql) {
      db.exec(sql);
    },
    async insert(table, rows) {
      const sql = `insert into ${table} (${COLUMNS[table].join(', ')}) values ${placeholders(rows.length, COLUMNS[table].length, false)}`;
      let statement = prepared.get(sql);
      if (!statement) prepared.set(sql, (statement = db.prepare(sql)));
      statement.run(...rows.flat());
    },
    async close() {
      db.close();
    },
  };
}

async function postgresLoader(url: string): Promise<Loader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async indexes() {
      const result = await client.query<{ name: string; sql: string }>(
        `select i.indexname as name, i.indexdef as sql from pg_indexes i
          where i.schemaname = current_schema() and i.tablename = any($1)
            and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
        [TABLES],
      );
      return result.rows;
    },
    async exec(sql) {
      await client.query(sql);
    },
    async insert(table, rows) {
      const text = `insert into ${table} (${COLUMNS[table].join(', ')}) values ${placeholders(rows.length, COLUMNS[table].length, true)}`;
      await client.query({ name: `load_${table}_${rows.length}`, text, values: rows.flat() });
    },
    async close() {
      await client.end();
    },
  };
}

export interface LoadResult {
  processes: number;
  tasks: number;
  links: number;
  seconds: number;
  indexSeconds: number;
}

export async function loadScaleData(kind: 'sqlite' | 'postgres', url: string, shape: ScaleShape): Promise<LoadResult> {
  const loader = kind === 'sqlite' ? sqliteLoader(url) : await postgresLoader(url);
  const started = performance.now();
  const counts = { processes: 0, tasks: 0, links: 0 };
  try {
    const indexes = await loader.indexes();
    for (const index of indexes) await loader.exec(`drop index ${index.name}`);
    const flush = async (batch: Batch) => {
      await loader.exec('begin');
      for (const [table, rows] of [
        ['flowlane_process', batch.processes],
        ['flowlane_task', batch.tasks],
      ] as const) {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await loader.insert(table, rows.slice(i, i + ROWS_PER_INSERT));
      }
      await loader.exec('commit');
      counts.processes += batch.processes.length;
      counts.tasks += batch.tasks.length;
      counts.links += batch.links;
    };
    for (const batch of generate(shape, 20_000)) await flush(batch);
    // The id sequence must continue after the loaded rows, as if the engine had written them.
    await loader.exec(`update flowlane_sequence set next_id = ${counts.processes + counts.tasks + 1} where name = 'id'`);
    const indexStarted = performance.now();
    for (const index of indexes) await loader.exec(index.sql);
    if (kind === 'sqlite') await loader.exec('analyze');
    // As autovacuum leaves a settled table: visibility maps set, so index-only scans are possible.
    if (kind === 'postgres') await loader.exec('vacuum (analyze) flowlane_process, flowlane_task');
    return { ...counts, seconds: (performance.now() - started) / 1000, indexSeconds: (performance.now() - indexStarted) / 1000 };
  } finally {
    await loader.close();
  }
}
