/**
 * Names (flows, nodes, statuses, permissions, tokens, users, groups) compare byte for byte
 * in SQL as they do in the engine, on every database: case, accents and
 * trailing spaces count. MySQL/MariaDB get there by migration 007, also on
 * a database that already holds rows in the old collation.
 */
import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type OpenDatabase } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { up } from '../../src/store/migrations/007_exact_names_mysql.ts';
import { describeEachDatabase } from '../support/databases.ts';

const NAMES = ['f.secret', 'f.Secret', 'f.secret ', 'f.sécret'];

async function seed(open: OpenDatabase): Promise<void> {
  const raw = open.db as any;
  await raw.insertInto('flowlane_process').values({ id: 1, flow: 'f', status: 'NEW', created: 1, data: '{}', version: 0 }).execute();
  await raw
    .insertInto('flowlane_task')
    .values(
      NAMES.map((name, i) => ({
        id: i + 1, process_id: 1, flow_task: name, task_type: 'HUMAN', status: 'NEW', created: 1,
        token: 'start', data: '{}', owner_permission: name.replace('f.', 'doc.'),
      })),
    )
    .execute();
}

/** Ids of the tasks whose `column` equals each name, in the order of NAMES. */
async function matches(open: OpenDatabase, column: 'flow_task' | 'owner_permission'): Promise<number[][]> {
  const out: number[][] = [];
  for (const name of NAMES) {
    const value = column === 'flow_task' ? name : name.replace('f.', 'doc.');
    const rows = await open.db.selectFrom('flowlane_task').select('id').where(column, '=', value).orderBy('id').execute();
    out.push(rows.map((r) => Number(r.id)));
  }
  return out;
}

await describeEachDatabase('exact names in SQL', (db) => {
  it('a name matches itself only, not its other case, accent or trailing space', async () => {
    const open = await openDatabase(db.url);
    try {
      await migrate(open);
      await seed(open);
      expect(await matches(open, 'flow_task')).toEqual([[1], [2], [3], [4]]);
      expect(await matches(open, 'owner_permission')).toEqual([[1], [2], [3], [4]]);
    } finally {
      await open.close();
    }
  });

  it('users, groups and codenames that differ only in case, accent or a trailing space are different rows', async () => {
    const open = await openDatabase(db.url);
    try {
      await migrate(open);
      const raw = open.db as any;
      const variants = ['clerks', 'Clerks', 'clerks ', 'clérks'];
      await raw.insertInto('flowlane_group').values(variants.map((name) => ({ name }))).execute();
      await raw.insertInto('flowlane_permission').values(variants.map((v) => ({ codename: `case.${v}`, name: v }))).execute();
      await raw.insertInto('flowlane_user').values(variants.map((username) => ({ username, created: 1 }))).execute();
      for (const v of variants) {
        expect((await raw.selectFrom('flowlane_group').select('name').where('name', '=', v).execute()).map((r: { name: string }) => r.name)).toEqual([v]);
        expect((await raw.selectFrom('flowlane_permission').select('codename').where('codename', '=', `case.${v}`).execute()).length).toBe(1);
        expect((await raw.selectFrom('flowlane_user').select('username').where('username', '=', v).execute()).map((r: { username: string }) => r.username)).toEqual([v]);
      }
    } finally {
      await open.close();
    }
  });

  it.runIf(db.kind === 'mysql')('migration 007 turns an existing MySQL table exact and keeps its rows, types and nullability', async () => {
    const open = await openDatabase(db.url);
    try {
      await migrate(open);
      await open.db.deleteFrom('flowlane_task').execute();
      await open.db.deleteFrom('flowlane_process').execute();
      // Back to the collation the tables had before 007.
      await sql`alter table flowlane_task modify flow_task varchar(255) character set utf8mb4 collate utf8mb4_general_ci not null, modify owner_permission varchar(255) character set utf8mb4 collate utf8mb4_general_ci null`.execute(open.db);
      await seed(open);
      expect((await matches(open, 'flow_task'))[0]).toEqual([1, 2, 3, 4]); // the loose comparison 007 fixes

      await up(open.db, open.dialect);

      expect(await matches(open, 'flow_task')).toEqual([[1], [2], [3], [4]]);
      expect(await matches(open, 'owner_permission')).toEqual([[1], [2], [3], [4]]);
      const columns = await sql<{ COLUMN_NAME: string; COLUMN_TYPE: string; IS_NULLABLE: string; COLLATION_NAME: string }>`
        select COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME from information_schema.columns
        where table_schema = database() and table_name = 'flowlane_task' and COLUMN_NAME in ('flow_task', 'owner_permission', 'token')
        order by COLUMN_NAME`.execute(open.db);
      expect(columns.rows.map((c) => [c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, c.COLLATION_NAME])).toEqual([
        ['flow_task', 'varchar(255)', 'NO', expect.stringMatching(/^utf8mb4_(nopad_bin|0900_bin)$/)],
        ['owner_permission', 'varchar(255)', 'YES', expect.stringMatching(/^utf8mb4_(nopad_bin|0900_bin)$/)],
        ['token', 'varchar(255)', 'NO', expect.stringMatching(/^utf8mb4_(nopad_bin|0900_bin)$/)],
      ]);
    } finally {
      await open.close();
    }
  });
});
