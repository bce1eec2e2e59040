/**
 * What a run left in the tables, per process: tasks by node and status,
 * processes by status and version, links (ids in the tasks' `previous`). Flowlane's run and the floor's
 * must match, or the floor no longer writes "the same rows".
 */
import { Kysely, SqliteDialect, PostgresDialect, sql } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFileOf } from '../../src/store/connect.ts';

export type Fingerprint = Record<string, number>;

export async function fingerprint(kind: 'sqlite' | 'postgres', url: string, processes: number): Promise<Fingerprint> {
  const db = new Kysely<any>({
    dialect: kind === 'sqlite' ? new SqliteDialect({ database: new Database(sqliteFileOf(url)) }) : new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  try {
    const out: Fingerprint = {};
    const add = (key: string, n: unknown) => (out[key] = Math.round((Number(n) / processes) * 1000) / 1000);
    for (const r of (await sql<{ k: string; n: number }>`select flow_task || ' ' || status as k, count(*) as n from flowlane_task group by flow_task, status`.execute(db)).rows) {
      add(`task ${r.k}`, r.n);
    }
    for (const r of (await sql<{ k: string; n: number }>`select status || ' v' || version as k, count(*) as n from flowlane_process group by status, version`.execute(db)).rows) {
      add(`process ${r.k}`, r.n);
    }
    // Links: the ids listed in the tasks' `previous` column.
    const links = await sql<{ n: number }>`select coalesce(sum(length(previous) - length(replace(previous, ',', '')) + 1), 0) as n from flowlane_task where previous is not null`.execute(db);
    add('links', links.rows[0]!.n);
    return out;
  } finally {
    await db.destroy();
  }
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
