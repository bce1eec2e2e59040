/** Migration 005 moves task_previous rows into the task rows' `previous` column, on every database. */
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { up } from '../../src/store/migrations/005_task_previous_column.ts';
import { describeEachDatabase } from '../support/databases.ts';

await describeEachDatabase('migration 005: task links into the task row', (db) => {
  it('copies each task\'s previous ids, in id order, and drops the table', async () => {
    const open = await openDatabase(db.url);
    try {
      await migrate(open);
      // Back to the shape before 005: the table, and no column.
      const raw = open.db as any;
      await raw.schema.alterTable('flowlane_task').dropColumn('previous').execute();
      await raw.schema.createTable('flowlane_task_previous').addColumn('task_id', 'bigint').addColumn('previous_id', 'bigint').execute();
      await raw
        .insertInto('flowlane_process')
        .values({ id: 1, flow: 'f', status: 'NEW', created: 1, data: '{}', version: 0 })
        .execute();
      const task = (id: number) => ({ id, process_id: 1, flow_task: `f.n${id}`, task_type: 'GATE', status: 'DONE', created: id, token: 'start', data: '{}' });
      await raw.insertInto('flowlane_task').values([task(1), task(2), task(3), task(4)]).execute();
      await raw
        .insertInto('flowlane_task_previous')
        .values([
          { task_id: 2, previous_id: 1 },
          { task_id: 4, previous_id: 3 },
          { task_id: 4, previous_id: 2 },
        ])
        .execute();

      await up(raw, open.dialect);

      const rows = await raw.selectFrom('flowlane_task').select(['id', 'previous']).orderBy('id').execute();
      expect(rows.map((r: { id: unknown; previous: unknown }) => [Number(r.id), r.previous])).toEqual([
        [1, null],
        [2, '1'],
        [3, null],
        [4, '2,3'],
      ]);
      const tables = (await raw.introspection.getTables()).map((t: { name: string }) => t.name);
      expect(tables).not.toContain('flowlane_task_previous');
    } finally {
      await open.close();
    }
  });
});
