import type { Kysely } from 'kysely';

/** A version per process row: every step that writes bumps it with a
 * compare-and-set, so two steps of one process that were not kept apart by
 * a lock cannot both commit (the later one fails instead of overwriting). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('flowlane_process').addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}
