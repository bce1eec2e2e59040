/** `flowlane serve` as a user runs it: a config file, a port, a login, and a clean stop on SIGTERM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createUser } from '../../src/web/auth/users.ts';
import { Browser } from './auth/harness.ts';
import { helloWorldAppFolder } from '../support/app-folder.ts';

const BIN = resolve('bin/flowlane.mjs');

let dir: string;
let child: ChildProcess;
let origin: string;

beforeAll(async () => {
  dir = helloWorldAppFolder('flowlane-serve-', 'sqlite:./app.db');
  const database = await openDatabase(`sqlite:${join(dir, 'app.db')}`);
  await migrate(database);
  await createUser(database.db, { username: 'boss', password: 'boss-password', isSuperuser: true });
  await database.close();

  child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  origin = await new Promise<string>((resolvePort, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /http:\/\/(127\.0\.0\.1:\d+)\/workflow/.exec(output);
      if (match) resolvePort(`http://${match[1]}`);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`flowlane serve exited with ${code}: ${output}`)));
  });
}, 30_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('flowlane serve', () => {
  it('serves the configured flows to a signed-in user and stops on SIGTERM', async () => {
    const browser = new Browser(origin);
    const root = await browser.get('/');
    expect([root.status, root.headers.get('location')]).toEqual([302, '/workflow']);
    expect((await browser.get('/workflow/inbox')).status).toBe(302);
    const login = await browser.get('/accounts/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="password"');
    expect((await browser.login('boss', 'boss-password')).status).toBe(303);
    const start = await browser.get('/workflow/helloworld/start');
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('name="text"');

    const exited = new Promise<number | null>((done) => child.once('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('JSX files of the package', () => {
  it('each names its JSX runtime on the first line, so it compiles under any application’s settings', () => {
    const tsx = (readdirSync(resolve('src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.tsx'));
    expect(tsx.length).toBeGreaterThan(10);
    const missing = tsx.filter((f) => readFileSync(join(resolve('src'), f), 'utf8').split('\n')[0] !== '/** @jsxRuntime automatic @jsxImportSource hono/jsx */');
    expect(missing).toEqual([]);
  });
});
