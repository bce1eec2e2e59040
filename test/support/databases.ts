/**
 * One engine suite over every database. Each test file gets a throw-away
 * database of its own: a temp SQLite file, or a fresh PostgreSQL/MariaDB
 * database dropped afterwards. A server that cannot be reached skips its
 * tests with a clear line, or fails them under FLOWLANE_REQUIRE_SERVICES=1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

export const PG_URL = process.env.FLOWLANE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.FLOWLANE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.FLOWLANE_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const REQUIRE_SERVICES = process.env.FLOWLANE_REQUIRE_SERVICES === '1';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(kind: 'postgres' | 'mysql', statement: string): Promise<void> {
  if (kind === 'postgres') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  } else {
    const mysql = await import('mysql2/promise');
    const conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    try {
      await conn.query(statement);
    } finally {
      await conn.end();
    }
  }
}

const reachable = new Map<DatabaseKind, Promise<string | undefined>>();

/** Why a server cannot be used, or undefined when it can. */
export function unavailable(kind: DatabaseKind): Promise<string | undefined> {
  if (kind === 'sqlite') return Promise.resolve(undefined);
  let probe = reachable.get(kind);
  if (!probe) {
    probe = adminQuery(kind, 'select 1').then(
      () => undefined,
      (error: Error) => `${kind} at ${kind === 'postgres' ? PG_URL : MYSQL_URL} is not reachable (${error.message})`,
    );
    reachable.set(kind, probe);
  }
  return probe;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'flowlane-test-'));
    return { kind, url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `flowlane_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(kind, `create database ${name}`);
  const base = kind === 'postgres' ? PG_URL : MYSQL_URL;
  return {
    kind,
    url: withDatabase(base, name),
    drop: () => adminQuery(kind, kind === 'postgres' ? `drop database if exists ${name} with (force)` : `drop database if exists ${name}`),
  };
}

export const ALL_DATABASES: DatabaseKind[] = ['sqlite', 'postgres', 'mysql'];

/** Kinds selected by FLOWLANE_TEST_DATABASES (comma list), default all. */
export function selectedDatabases(): DatabaseKind[] {
  const wanted = process.env.FLOWLANE_TEST_DATABASES?.split(',').map((s) => s.trim());
  return wanted ? ALL_DATABASES.filter((k) => wanted.includes(k)) : ALL_DATABASES;
}

/**
 * `describeEachDatabase('engine', (db) => { ... db.url ... })`: the block runs
 * once per database kind; `db.url` is valid inside tests and hooks. Each
 * kind gets a fresh database for the file, dropped after it.
 */
export async function describeEachDatabase(
  title: string,
  body: (db: { kind: DatabaseKind; readonly url: string }) => void,
  kinds: DatabaseKind[] = selectedDatabases(),
): Promise<void> {
  for (const kind of kinds) {
    const reason = await unavailable(kind);
    if (reason && REQUIRE_SERVICES) throw new Error(`${reason}; FLOWLANE_REQUIRE_SERVICES=1 forbids skipping`);
    if (reason) {
      console.warn(`skipping ${title} on ${kind}: ${reason}`);
      describe.skip(`${title} [${kind}]`, () => body({ kind, url: '' }));
      continue;
    }
    const { beforeAll, afterAll } = await import('vitest');
    describe(`${title} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      const handle = {
        kind,
        get url(): string {
          if (!database) throw new Error('test database not created yet');
          return database.url;
        },
      };
      beforeAll(async () => {
        database = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.drop();
      });
      body(handle);
    });
  }
}
