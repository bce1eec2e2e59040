import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addUserToGroup,
  authenticate,
  createUser,
  ensurePermissions,
  findUserByUsername,
  grantPermission,
  loadFlowUser,
  UserError,
} from '../../../src/web/auth/users.ts';
import { tempDatabase, type TempDatabase } from './harness.ts';

let temp: TempDatabase;
beforeAll(async () => {
  temp = await tempDatabase();
});
afterAll(() => temp.cleanup());
const db = () => temp.database.db;

describe('users, groups and permissions', () => {
  it('loadFlowUser collects permissions given directly and through every group', async () => {
    await grantPermission(db(), { group: 'clerks' }, 'shipment.pack');
    await grantPermission(db(), { group: 'managers' }, 'shipment.manage');
    await grantPermission(db(), { group: 'managers' }, 'shipment.pack');
    const created = await createUser(db(), {
      username: 'carol',
      password: 'pw-carol',
      email: 'carol@example.com',
      groups: ['clerks', 'managers'],
      permissions: ['hello.approve'],
    });
    await createUser(db(), { username: 'outsider', password: 'pw', groups: ['others'], permissions: ['other.thing'] });

    const user = await loadFlowUser(db(), created.id);
    expect(user).toEqual({
      id: created.id,
      username: 'carol',
      isSuperuser: false,
      permissions: new Set(['hello.approve', 'shipment.pack', 'shipment.manage']),
      groups: new Set(['clerks', 'managers']),
    });
  });

  it('loadFlowUser costs two queries however many permissions the user has', async () => {
    const many = Array.from({ length: 20 }, (_, i) => `bulk.perm${i}`);
    const { id } = await createUser(db(), { username: 'busy', password: 'pw', groups: ['g1', 'g2', 'g3'], permissions: many });
    for (const group of ['g1', 'g2', 'g3']) await grantPermission(db(), { group }, `bulk.${group}`);

    let user: Awaited<ReturnType<typeof loadFlowUser>> = null;
    const cost = await temp.database.statements.measure(async () => {
      user = await loadFlowUser(db(), id);
    });
    expect(user!.permissions.size).toBe(23);
    expect(cost.select).toBe(2);
  });

  it('adds a user to a new group once, however often asked', async () => {
    const { id } = await createUser(db(), { username: 'dave', password: 'pw' });
    await addUserToGroup(db(), id, 'night shift');
    await addUserToGroup(db(), id, 'night shift');
    expect((await loadFlowUser(db(), id))!.groups).toEqual(new Set(['night shift']));
  });

  it('ensurePermissions inserts only the missing ones and keeps existing names', async () => {
    await ensurePermissions(db(), [{ codename: 'hello.start', name: 'Can start hello world' }]);
    await ensurePermissions(db(), [
      { codename: 'hello.start', name: 'Renamed' },
      { codename: 'hello.view', name: 'Can view hello world' },
      { codename: 'hello.view', name: 'Can view hello world' },
    ]);
    const rows = await db()
      .selectFrom('flowlane_permission')
      .select(['codename', 'name'])
      .where('codename', 'like', 'hello.%')
      .orderBy('codename')
      .execute();
    expect(rows).toEqual([
      { codename: 'hello.approve', name: 'hello.approve' },
      { codename: 'hello.start', name: 'Can start hello world' },
      { codename: 'hello.view', name: 'Can view hello world' },
    ]);
  });

  it('refuses a taken username and leaves no half-made user behind', async () => {
    await createUser(db(), { username: 'erin', password: 'pw' });
    const attempt = createUser(db(), { username: 'erin', password: 'other', groups: ['brand-new-group'] });
    await expect(attempt).rejects.toThrow('Username "erin" is already taken.');
    await expect(attempt).rejects.toMatchObject({ code: 'username-taken' });
    const group = await db().selectFrom('flowlane_group').select('id').where('name', '=', 'brand-new-group').executeTakeFirst();
    expect(group).toBeUndefined();
  });

  it('refuses usernames that are empty, too long or have odd characters', async () => {
    for (const username of ['', 'x'.repeat(151), 'with space', 'semi;colon', 'a/b']) {
      await expect(createUser(db(), { username, password: 'pw' })).rejects.toBeInstanceOf(UserError);
    }
    await expect(createUser(db(), { username: 'ok.name+tag@example-1_x', password: 'pw' })).resolves.toMatchObject({ id: expect.any(Number) });
  });

  it('authenticates the right password only, and never an inactive user', async () => {
    const { id } = await createUser(db(), { username: 'frank', password: 'frank-secret', isSuperuser: true });
    expect((await authenticate(db(), 'frank', 'frank-secret'))?.id).toBe(id);
    expect(await authenticate(db(), 'frank', 'wrong')).toBeNull();
    expect(await authenticate(db(), 'nobody', 'frank-secret')).toBeNull();
    expect((await loadFlowUser(db(), id))!.isSuperuser).toBe(true);

    await db().updateTable('flowlane_user').set({ is_active: 0 }).where('id', '=', id).execute();
    expect(await authenticate(db(), 'frank', 'frank-secret')).toBeNull();
    expect(await loadFlowUser(db(), id)).toBeNull();
  });

  it('a user created without a password cannot log in', async () => {
    await createUser(db(), { username: 'sso-user' });
    expect((await findUserByUsername(db(), 'sso-user'))!.passwordHash).toBeNull();
    expect(await authenticate(db(), 'sso-user', '')).toBeNull();
  });
});
