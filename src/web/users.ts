/**
 * Where pages find people other than the signed-in one: names to show as
 * task owners, and the user a task is reassigned to. The default reads
 * flowlane_user; an application with its own users passes its own.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { FlowUser } from '../engine/user.ts';
import { findUserByUsername, loadFlowUser } from './auth/users.ts';

export interface UserDirectory {
  /** Display names by user id; unknown ids are left out. `db`: the
   * request's reader (see readerOf), for directories in the same database. */
  names(ids: readonly number[], db?: Kysely<Database>): Promise<Map<number, string>>;
  /** The active user with this username, or null. */
  byUsername(username: string, db?: Kysely<Database>): Promise<FlowUser | null>;
}

export function databaseUsers(database: Kysely<Database>): UserDirectory {
  return {
    async names(ids, db = database) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const rows = await db.selectFrom('flowlane_user').select(['id', 'username']).where('id', 'in', unique).execute();
      return new Map(rows.map((r) => [Number(r.id), r.username]));
    },
    async byUsername(username, db = database) {
      const user = await findUserByUsername(db, username);
      return user ? loadFlowUser(db, user.id) : null;
    },
  };
}
