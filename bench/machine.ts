/** What the figures were measured on. */
import os from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PG_URL } from './db.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  sqlite: string;
  postgres: string;
  date: string;
  /** 1-minute load average when the part started: other work on the machine skews wall-clock figures. */
  load: number;
}

export async function describeMachine(): Promise<Machine> {
  const db = new Database(':memory:');
  const sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  let postgres = 'not reachable';
  try {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await client.connect();
    const settings = await client.query<{ name: string; setting: string }>(
      "select name, setting from pg_settings where name in ('server_version', 'shared_buffers', 'synchronous_commit', 'fsync') order by name",
    );
    await client.end();
    postgres = settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ');
  } catch {
    /* reported as not reachable */
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite,
    postgres,
    date: new Date().toISOString(),
    load: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
