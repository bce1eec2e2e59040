import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/connect.ts';
import { authenticate, findUserByUsername, loadFlowUser } from '../../../src/web/auth/users.ts';

const run = promisify(execFile);
const bin = resolve('bin/flowlane.mjs');
const dir = mkdtempSync(join(tmpdir(), 'flowlane-cli-user-'));
const url = `sqlite:${join(dir, 'cli.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function flowlane(args: string[], env: Record<string, string> = {}) {
  const { FLOWLANE_PASSWORD: _ignored, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...inherited, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function inDatabase<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const database = await openDatabase(url);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

describe('flowlane user create', () => {
  it('migrates a fresh database and creates a superuser with groups and permissions', async () => {
    const result = await flowlane([
      'user', 'create', '--username', 'admin', '--password', 'admin-pw', '--superuser',
      '--group', 'managers', '--group', 'clerks', '--permission', 'hello.approve', '--database', url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created user "admin" \(id \d+\); superuser; groups: managers, clerks; permissions: hello.approve\n$/);

    const user = await inDatabase(async (db) => {
      const account = await authenticate(db, 'admin', 'admin-pw');
      return account && loadFlowUser(db, account.id);
    });
    expect(user).toMatchObject({
      username: 'admin',
      isSuperuser: true,
      groups: new Set(['managers', 'clerks']),
      permissions: new Set(['hello.approve']),
    });
  });

  it('reads the password from FLOWLANE_PASSWORD', async () => {
    const result = await flowlane(['user', 'create', '--username', 'clerk', '--database', url], { FLOWLANE_PASSWORD: 'from-env' });
    expect(result.code).toBe(0);
    const account = await inDatabase((db) => authenticate(db, 'clerk', 'from-env'));
    expect(account?.isSuperuser).toBe(false);
  });

  it('fails clearly, changing nothing, when the username is taken or the password is missing', async () => {
    const taken = await flowlane(['user', 'create', '--username', 'admin', '--password', 'other', '--database', url]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('flowlane user: Username "admin" is already taken.\n');
    expect(await inDatabase((db) => authenticate(db, 'admin', 'admin-pw'))).not.toBeNull();

    const noPassword = await flowlane(['user', 'create', '--username', 'nopw', '--database', url]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('pass --password or set FLOWLANE_PASSWORD');
    expect(await inDatabase((db) => findUserByUsername(db, 'nopw'))).toBeNull();
  });
});
