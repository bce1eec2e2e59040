/**
 * The SQLite write lock: a step (or any statement through the engine's
 * database) waits for another writer without blocking the event loop, so
 * the rest of the process (other requests, the other writer in the same
 * process) goes on meanwhile.
 */
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Flow, flow, self, LockError } from '../../src/index.ts';
import { engineOn } from '../support/engine.ts';

class Tiny extends Flow {
  start = flow.StartHandle().Next(self.end);
  end = flow.End();
}

const dir = mkdtempSync(join(tmpdir(), 'flowlane-sqlite-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a step waits for the write lock without blocking the event loop, then runs: the first step of an engine and later ones', async () => {
  const file = join(dir, 'wait.db');
  await (await engineOn(`sqlite:${file}`, [Tiny])).close(); // migrated beforehand, as in production
  const engine = await engineOn(`sqlite:${file}`, [Tiny], { migrate: false, settings: { sqliteBusyTimeoutMs: 3_000 } });
  const other = new Database(file);
  try {
    for (let round = 0; round < 3; round++) {
      other.exec('begin immediate');
      const began = Date.now();
      let releasedAt = 0;
      setTimeout(() => {
        other.exec('commit');
        releasedAt = Date.now() - began;
      }, 100);
      const process = await engine.start(Tiny, 'start');
      // Released by the timer while the step waited: the event loop ran meanwhile.
      expect(releasedAt).toBeGreaterThanOrEqual(90);
      expect(releasedAt).toBeLessThan(1_000);
      expect((await engine.getProcess(process.id)).status).toBe('DONE');
    }
  } finally {
    other.close();
    await engine.close();
  }
});

it("the application's own statements outside a step wait the same way", async () => {
  const file = join(dir, 'own.db');
  const engine = await engineOn(`sqlite:${file}`, [Tiny], { settings: { sqliteBusyTimeoutMs: 3_000 } });
  const other = new Database(file);
  try {
    other.exec('begin immediate');
    let released = false;
    setTimeout(() => {
      other.exec('commit');
      released = true;
    }, 100);
    await sql`update flowlane_sequence set next_id = next_id + 1`.execute(engine.database.db);
    expect(released).toBe(true);
  } finally {
    other.close();
    await engine.close();
  }
});

it('gives up after the busy timeout with a LockError', async () => {
  const file = join(dir, 'busy.db');
  const engine = await engineOn(`sqlite:${file}`, [Tiny], { settings: { sqliteBusyTimeoutMs: 200 } });
  const other = new Database(file);
  try {
    other.exec('begin immediate');
    const began = Date.now();
    await expect(engine.start(Tiny, 'start')).rejects.toBeInstanceOf(LockError);
    expect(Date.now() - began).toBeGreaterThanOrEqual(190);
  } finally {
    other.exec('rollback');
    other.close();
    await engine.close();
  }
});
