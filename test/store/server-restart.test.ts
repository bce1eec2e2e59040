import { expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase } from '../../src/index.ts';
import { describeEachDatabase, PG_URL } from '../support/databases.ts';

await describeEachDatabase(
  'idle connections ended by the server',
  (db) => {
    it('does not crash the process, and the next query reconnects', async () => {
      const database = await openDatabase(db.url);
      const unhandled: unknown[] = [];
      const record = (error: unknown) => unhandled.push(error);
      process.on('uncaughtException', record);
      try {
        await database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        const name = new URL(db.url).pathname.slice(1);
        const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
        await admin.end();
        expect(rowCount).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const [row] = await database.db.selectNoFrom((eb) => eb.val(2).as('two')).execute();
        expect(Number(row!.two)).toBe(2);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('uncaughtException', record);
        await database.close();
      }
    });
  },
  ['postgres'],
);
