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
  /** Display names by user id; unknown ids are left out. */
  names(ids: readonly number[]): Promise<Map<number, string>>;
  /** The active user with this username, or null. */
  byUsername(username: string): Promise<FlowUser | null>;
}

export function databaseUsers(db: Kysely<Database>): UserDirectory {
  return {
    async names(ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const rows = await db.selectFrom('flowlane_user').select(['id', 'username']).where('id', 'in', unique).execute();
      return new Map(rows.map((r) => [Number(r.id), r.username]));
    },
    async byUsername(username) {
      const user = await findUserByUsername(db, username);
      return user ? loadFlowUser(db, user.id) : null;
    },
  };
}
