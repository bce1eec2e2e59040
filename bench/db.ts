/**
 * Throw-away databases for one measurement: a SQLite file in a temp
 * directory, or a fresh PostgreSQL database dropped afterwards. Every
 * schema comes from Flowlane's own migrations, so the engine, the floor
 * and the scale queries all run against the same tables and indexes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, migrate } from '../src/index.ts';

export type DbKind = 'sqlite' | 'postgres';

export const PG_URL = process.env.FLOWLANE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  kind: DbKind;
  url: string;
  /** SQLite: the file path. */
  file?: string;
  drop(): Promise<void>;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty, migrated database. */
export async function createBenchDatabase(kind: DbKind): Promise<BenchDatabase> {
  let db: BenchDatabase;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'flowlane-bench-'));
    const file = join(dir, 'bench.db');
    db = { kind, url: `sqlite:${file}`, file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  } else {
    const name = `flowlane_bench_${randomBytes(5).toString('hex')}`;
    await admin(`create database ${name}`);
    db = { kind, url: withDatabaseName(PG_URL, name), drop: () => admin(`drop database if exists ${name} with (force)`) };
  }
  const open = await openDatabase(db.url);
  try {
    await migrate(open);
  } finally {
    await open.close();
  }
  return db;
}

/** Why PostgreSQL cannot be used, or undefined. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await admin('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${PG_URL} is not reachable (${(error as Error).message})`;
  }
}
