import type { Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';

/** The next due time of each StartTimer (`<flow label>.<node name>`): the
 * row workers compare-and-set to claim a tick, so each tick starts one process. */
export async function up(db: Kysely<any>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('flowlane_schedule')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('due', 'bigint', (c) => c.notNull())
    .execute();
}
