/**
 * Users, groups and permissions in the flowlane_* auth tables. Everything
 * here works on any Kysely<Database> — the application's own or a
 * transaction it is already in.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { FlowUser } from '../../engine/user.ts';
import { hashPassword, verifyPassword } from './password.ts';

export class UserError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid-username' | 'username-taken' | 'invalid-password' | 'invalid-group' | 'invalid-permission',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export interface StoredUser {
  id: number;
  username: string;
  /** null: the user cannot log in with a password (e.g. accounts managed elsewhere). */
  passwordHash: string | null;
  firstName: string;
  lastName: string;
  email: string;
  isSuperuser: boolean;
  isActive: boolean;
  created: number;
}

export interface NewUser {
  username: string;
  /** Omit for a user who never logs in with a password. */
  password?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  isSuperuser?: boolean;
  /** Group names; missing groups are created. */
  groups?: readonly string[];
  /** Permission codenames granted directly; missing permissions are created. */
  permissions?: readonly string[];
}

export interface PermissionSpec {
  codename: string;
  name: string;
}

/** Whom a permission is granted to. */
export type Grantee = { userId: number } | { group: string };

const USERNAME_MAX = 150;
const USERNAME_PATTERN = /^[\p{L}\p{N}@.+_-]+$/u;
const NAME_MAX = 150;
const CODENAME_MAX = 255;

export function validateUsername(username: string): void {
  if (username.length === 0) throw new UserError('Username must not be empty.', 'invalid-username');
  if (username.length > USERNAME_MAX) {
    throw new UserError(`Username must be at most ${USERNAME_MAX} characters.`, 'invalid-username');
  }
  if (!USERNAME_PATTERN.test(username)) {
    throw new UserError(
      `Username "${username}" may contain only letters, digits and the characters @ . + - _`,
      'invalid-username',
    );
  }
}

function validateGroupName(name: string): void {
  if (name.trim().length === 0 || name.length > NAME_MAX) {
    throw new UserError(`Group name must be 1 to ${NAME_MAX} characters.`, 'invalid-group');
  }
}

function validateCodename(codename: string): void {
  if (codename.trim().length === 0 || codename.length > CODENAME_MAX || /\s/.test(codename)) {
    throw new UserError(
      `Permission codename "${codename}" must be 1 to ${CODENAME_MAX} characters without spaces.`,
      'invalid-permission',
    );
  }
}

/** Runs `work` in a transaction, or directly when `db` already is one (Kysely cannot nest them). */
function atomically<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

export async function createUser(db: Kysely<Database>, user: NewUser): Promise<StoredUser> {
  validateUsername(user.username);
  if (user.password !== undefined && user.password.length === 0) {
    throw new UserError('Password must not be empty.', 'invalid-password');
  }
  user.groups?.forEach(validateGroupName);
  user.permissions?.forEach(validateCodename);
  // Hash before the transaction: scrypt is slow on purpose and must not hold a write lock.
  const passwordHash = user.password === undefined ? null : await hashPassword(user.password);
  return atomically(db, async (trx) => {
    if (await findUserByUsername(trx, user.username)) {
      throw new UserError(`Username "${user.username}" is already taken.`, 'username-taken');
    }
    await trx
      .insertInto('flowlane_user')
      .values({
        username: user.username,
        password_hash: passwordHash,
        first_name: user.firstName ?? '',
        last_name: user.lastName ?? '',
        email: user.email ?? '',
        is_superuser: user.isSuperuser ? 1 : 0,
        is_active: 1,
        created: Date.now(),
      })
      .execute();
    // Read the row back instead of RETURNING/insertId: portable across all three dialects.
    const created = (await findUserByUsername(trx, user.username))!;
    for (const group of user.groups ?? []) await addUserToGroup(trx, created.id, group);
    for (const codename of user.permissions ?? []) await grantPermission(trx, { userId: created.id }, codename);
    return created;
  });
}

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<StoredUser | null> {
  const row = await db.selectFrom('flowlane_user').selectAll().where('username', '=', username).executeTakeFirst();
  return row
    ? {
        id: row.id,
        username: row.username,
        passwordHash: row.password_hash,
        firstName: row.first_name,
        lastName: row.last_name,
        email: row.email,
        isSuperuser: row.is_superuser === 1,
        isActive: row.is_active === 1,
        created: row.created,
      }
    : null;
}

/** A hash of a password nobody has, checked when the username is unknown so that timing does not reveal it. */
let decoyHash: Promise<string> | undefined;

/** The active user with these credentials, or null. Takes the same time whether or not the username exists. */
export async function authenticate(db: Kysely<Database>, username: string, password: string): Promise<StoredUser | null> {
  const user = await findUserByUsername(db, username);
  if (!user || !user.isActive || user.passwordHash === null) {
    await verifyPassword(password, await (decoyHash ??= hashPassword('flowlane decoy password')));
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

/**
 * The FlowUser for an active user id, or null. Two queries whatever the
 * number of groups and permissions: the user row, then one UNION of group
 * names, direct permissions and group permissions.
 */
export async function loadFlowUser(db: Kysely<Database>, userId: number): Promise<FlowUser | null> {
  const user = await db
    .selectFrom('flowlane_user')
    .select(['id', 'username', 'is_superuser'])
    .where('id', '=', userId)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  if (!user) return null;

  const memberships = await db
    .selectFrom('flowlane_user_group as ug')
    .innerJoin('flowlane_group as g', 'g.id', 'ug.group_id')
    .select([sql<string>`'group'`.as('kind'), 'g.name as name'])
    .where('ug.user_id', '=', userId)
    .union(
      db
        .selectFrom('flowlane_user_permission as up')
        .innerJoin('flowlane_permission as p', 'p.id', 'up.permission_id')
        .select([sql<string>`'permission'`.as('kind'), 'p.codename as name'])
        .where('up.user_id', '=', userId),
    )
    .union(
      db
        .selectFrom('flowlane_user_group as ug')
        .innerJoin('flowlane_group_permission as gp', 'gp.group_id', 'ug.group_id')
        .innerJoin('flowlane_permission as p', 'p.id', 'gp.permission_id')
        .select([sql<string>`'permission'`.as('kind'), 'p.codename as name'])
        .where('ug.user_id', '=', userId),
    )
    .execute();

  const groups = new Set<string>();
  const permissions = new Set<string>();
  for (const { kind, name } of memberships) (kind === 'group' ? groups : permissions).add(name);
  return { id: user.id, username: user.username, isSuperuser: user.is_superuser === 1, permissions, groups };
}

/**
 * Inserts the permissions that do not exist yet; existing ones keep their
 * name. Safe to call on every start (the engine does, for auto-created
 * node permissions).
 */
export async function ensurePermissions(db: Kysely<Database>, permissions: readonly PermissionSpec[]): Promise<void> {
  if (permissions.length === 0) return;
  permissions.forEach((p) => validateCodename(p.codename));
  await atomically(db, async (trx) => {
    const wanted = [...new Set(permissions.map((p) => p.codename))];
    const existing = await trx
      .selectFrom('flowlane_permission')
      .select('codename')
      .where('codename', 'in', wanted)
      .execute();
    const known = new Set(existing.map((row) => row.codename));
    const missing = new Map<string, PermissionSpec>();
    for (const p of permissions) if (!known.has(p.codename) && !missing.has(p.codename)) missing.set(p.codename, p);
    if (missing.size === 0) return;
    await trx
      .insertInto('flowlane_permission')
      .values([...missing.values()].map(({ codename, name }) => ({ codename, name })))
      .execute();
  });
}

async function permissionId(db: Kysely<Database>, codename: string): Promise<number> {
  await ensurePermissions(db, [{ codename, name: codename }]);
  const row = await db
    .selectFrom('flowlane_permission')
    .select('id')
    .where('codename', '=', codename)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function groupId(db: Kysely<Database>, name: string): Promise<number> {
  validateGroupName(name);
  const find = () => db.selectFrom('flowlane_group').select('id').where('name', '=', name).executeTakeFirst();
  const existing = await find();
  if (existing) return existing.id;
  await db.insertInto('flowlane_group').values({ name }).execute();
  return (await find())!.id;
}

/** Grants a permission (created when missing, named by its codename) to a user or a group; idempotent. */
export async function grantPermission(db: Kysely<Database>, grantee: Grantee, codename: string): Promise<void> {
  validateCodename(codename);
  await atomically(db, async (trx) => {
    const permission_id = await permissionId(trx, codename);
    if ('userId' in grantee) {
      const held = await trx
        .selectFrom('flowlane_user_permission')
        .select('user_id')
        .where('user_id', '=', grantee.userId)
        .where('permission_id', '=', permission_id)
        .executeTakeFirst();
      if (!held) {
        await trx.insertInto('flowlane_user_permission').values({ user_id: grantee.userId, permission_id }).execute();
      }
    } else {
      const group_id = await groupId(trx, grantee.group);
      const held = await trx
        .selectFrom('flowlane_group_permission')
        .select('group_id')
        .where('group_id', '=', group_id)
        .where('permission_id', '=', permission_id)
        .executeTakeFirst();
      if (!held) await trx.insertInto('flowlane_group_permission').values({ group_id, permission_id }).execute();
    }
  });
}

/** Adds the user to the group, creating the group when missing; idempotent. */
export async function addUserToGroup(db: Kysely<Database>, userId: number, groupName: string): Promise<void> {
  await atomically(db, async (trx) => {
    const group_id = await groupId(trx, groupName);
    const member = await trx
      .selectFrom('flowlane_user_group')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('group_id', '=', group_id)
      .executeTakeFirst();
    if (!member) await trx.insertInto('flowlane_user_group').values({ user_id: userId, group_id }).execute();
  });
}
