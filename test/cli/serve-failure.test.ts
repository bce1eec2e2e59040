/**
 * `flowlane serve` that fails after opening its database (here: the web
 * app cannot find its permission table) exits with the reason. On pooled
 * databases an engine left open would keep the process alive forever.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { helloWorldAppFolder } from '../support/app-folder.ts';

const BIN = resolve('bin/flowlane.mjs');
let dir: string;

beforeAll(() => {
  dir = helloWorldAppFolder('flowlane-serve-failure-', 'sqlite:./unused.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `flowlane serve`; the exit code, or null if it still ran after `ms`. */
function serveUntilExit(url: string, ms: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--no-migrate', '--port', '0', '--database', url], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((done) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ code: null, stderr });
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

await describeEachDatabase('flowlane serve that cannot start', (db) => {
  it('closes its database and exits with the reason', async () => {
    const open = await openDatabase(db.url);
    try {
      await migrate(open);
      for (const table of ['flowlane_group_permission', 'flowlane_user_permission', 'flowlane_permission']) {
        await sql`drop table ${sql.table(table)}`.execute(open.db);
      }
    } finally {
      await open.close();
    }
    const { code, stderr } = await serveUntilExit(db.url, 20_000);
    expect({ code, stderr }).toMatchObject({ code: 1, stderr: expect.stringMatching(/^flowlane serve: .*flowlane_permission/) });
  }, 30_000);
});
