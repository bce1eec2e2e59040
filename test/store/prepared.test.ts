/**
 * The step's statements as prepared statements: PostgreSQL runs them by
 * name (planned once per connection), and a migration that adds a column
 * while connections hold them does not break the next step.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Flow, flow, self, type Engine } from '../../src/index.ts';
import { runShapesAsNamedStatements } from '../../src/store/pg-statements.ts';
import { shapeStatementNames } from '../../src/store/shapes.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';

class Twice extends Flow {
  start = flow.StartHandle().Next(self.first);
  first = flow.Handle().Next(self.second);
  second = flow.Handle().Next(self.end);
  end = flow.End();
}

it('names only the texts of query shapes; other calls pass through as they came', async () => {
  const calls: unknown[][] = [];
  const client = { query: (...args: unknown[]) => calls.push(args) } as never;
  runShapesAsNamedStatements(client);
  runShapesAsNamedStatements(client); // once per client
  shapeStatementNames.set('select 1 as shape', 'flowlane_test');
  (client as { query: (...a: unknown[]) => unknown }).query('select 1 as shape', [1]);
  (client as { query: (...a: unknown[]) => unknown }).query('select 2', [2]);
  (client as { query: (...a: unknown[]) => unknown }).query('begin');
  shapeStatementNames.delete('select 1 as shape');
  expect(calls).toEqual([[{ name: 'flowlane_test', text: 'select 1 as shape', values: [1] }], ['select 2', [2]], ['begin']]);
});

await describeEachDatabase(
  'prepared step statements',
  (db) => {
    let engine: Engine;
    beforeEach(async () => {
      engine = await engineOn(db.url, [Twice], { settings: { poolSize: 1 } });
    });
    afterEach(async () => {
      await engine.close();
    });

    const handleOf = async (processId: number, node: string) => (await engine.getTasks(processId)).find((t) => t.node === node)!.id;

    it('keeps working when a migration adds columns while connections hold the prepared statements', async () => {
      const process = await engine.start(Twice, 'start');
      await engine.runHandle(await handleOf(process.id, 'first'));
      if (db.kind === 'postgres') {
        const prepared = await sql<{ name: string }>`select name from pg_prepared_statements where name like 'flowlane_%'`.execute(engine.database.db);
        expect(prepared.rows.length).toBeGreaterThan(0);
      }
      await sql`alter table flowlane_process add column later_column text`.execute(engine.database.db);
      await sql`alter table flowlane_task add column later_column text`.execute(engine.database.db);
      try {
        await engine.runHandle(await handleOf(process.id, 'second'));
        expect((await engine.getProcess(process.id)).status).toBe('DONE');
      } finally {
        await sql`alter table flowlane_process drop column later_column`.execute(engine.database.db);
        await sql`alter table flowlane_task drop column later_column`.execute(engine.database.db);
      }
    });
  },
);
