/**
 * lock.rowLock on each database, and what a lock wait that runs out does
 * (f): a LockError, every attempt's transaction rolled back, nothing
 * written, and the connection fit for the next step.
 */
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { Flow, flow, self, lock, openDatabase, LockError, type Engine, type LockStrategy } from '../../src/index.ts';
import { sqliteFileOf } from '../../src/store/connect.ts';
import { describeEachDatabase, type DatabaseKind } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';

function twoHandles(label: string, strategy: LockStrategy) {
  return class extends Flow {
    static label = label;
    static lock = strategy;
    start = flow.StartHandle().Next(self.first);
    first = flow.Handle().Next(self.second);
    second = flow.Handle().Next(self.end);
    end = flow.End();
  };
}
const Waiting = twoHandles('waiting', lock.rowLock({ attempts: 2 }));
const NoWait = twoHandles('no-wait', lock.rowLock({ nowait: true, attempts: 20 }));
const Unlocked = twoHandles('unlocked', lock.none);
type Two = typeof Waiting;

interface Holder {
  release(): Promise<void>;
}

/** Another transaction holding a lock: the process row, a task row, or (SQLite) the file's write lock. */
async function hold(kind: DatabaseKind, url: string, statement: string): Promise<Holder> {
  if (kind === 'sqlite') {
    const other = new Database(sqliteFileOf(url));
    other.exec('begin immediate');
    return {
      release: async () => {
        other.exec('rollback');
        other.close();
      },
    };
  }
  const other = await openDatabase(url);
  let release!: () => void;
  let locked!: () => void;
  const gotLock = new Promise<void>((resolve) => (locked = resolve));
  const done = other.db.transaction().execute(async (trx) => {
    await sql.raw(statement).execute(trx);
    locked();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await gotLock;
  return {
    release: async () => {
      release();
      await done;
      await other.close();
    },
  };
}

await describeEachDatabase('lock.rowLock and lock timeouts', (db) => {
  let engine: Engine;
  const holders: Holder[] = [];
  afterEach(async () => {
    for (const h of holders.splice(0)) await h.release();
    await engine?.close();
  });
  // One pooled connection: the step after a failure reuses the connection the failure left.
  const open = async () => {
    engine = await engineOn(db.url, [Waiting, NoWait, Unlocked], {
      settings: { poolSize: 1, lockTimeoutMs: 200, sqliteBusyTimeoutMs: 100 },
    });
    return engine;
  };
  const started = async (cls: Two) => {
    const process = await engine.start(cls, 'start');
    const [, first] = await engine.getTasks(process.id);
    return { processId: process.id, taskId: first!.id };
  };
  const holdProcessRow = async (processId: number) => {
    holders.push(await hold(db.kind, db.url, `select id from flowlane_process where id = ${processId} for update`));
  };
  const nodes = async (processId: number) => (await engine.getTasks(processId)).map((t) => `${t.node}:${t.status}`);

  it(db.kind === 'sqlite' ? 'on SQLite every step begins immediate (no FOR UPDATE)' : 'reads the process row FOR UPDATE, or FOR UPDATE NOWAIT', async () => {
    await open();
    const statements = engine.database.statements;
    statements.recording = true;
    for (const cls of [Waiting, NoWait]) {
      const { taskId } = await started(cls);
      statements.reset();
      await engine.runHandle(taskId);
      // (The flows here differ in lock, so the flow of the task is read before the step.)
      const [begin, load] = statements.recorded.slice(statements.recorded.findIndex((s) => /^begin/.test(s)));
      if (db.kind === 'sqlite') {
        expect(begin).toBe('begin immediate');
        expect(load).not.toMatch(/for update/);
      } else {
        // The step names the columns it reads (a prepared statement must keep its result shape).
        expect(load).toMatch(/^select .* from .flowlane_process. .*for update( nowait)?$/);
        expect(load!.endsWith('nowait')).toBe(cls === NoWait);
      }
    }
  });

  it('a lock held past the lock timeout: LockError after the attempts, each a rolled-back transaction, nothing written', async () => {
    await open();
    const { processId, taskId } = await started(Waiting);
    await holdProcessRow(processId);
    const statements = engine.database.statements;
    statements.recording = true;
    statements.reset();
    const error = await engine.runHandle(taskId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).message).toMatch(/after 2 attempts/);
    expect(statements.counts).toMatchObject({ insert: 0, update: 0, delete: 0 });
    const control = statements.recorded.filter((s) => /^(begin|start|rollback|commit)/i.test(s)).map((s) => s.split(' ')[0]!.toLowerCase());
    if (db.kind === 'sqlite') {
      // BEGIN IMMEDIATE itself is refused, again and again until the busy timeout: nothing began.
      expect(new Set(control)).toEqual(new Set(['begin']));
    } else {
      expect(control).toEqual(['begin', 'rollback', 'begin', 'rollback']);
    }

    await holders.pop()!.release();
    await engine.runHandle(taskId);
    expect(await nodes(processId)).toEqual(['start:DONE', 'first:DONE', 'second:NEW']);
  });

  it('lock.none: a write that waits past the lock timeout is a LockError and the step\'s earlier writes roll back', async () => {
    await open();
    const { processId, taskId } = await started(Unlocked);
    holders.push(
      await hold(db.kind, db.url, `update flowlane_task set comments = 'held' where id = ${taskId}`),
    );
    const statements = engine.database.statements;
    statements.reset();
    const error = await engine.runHandle(taskId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    // Server databases got as far as the INSERT of the next task before waiting.
    if (db.kind !== 'sqlite') expect(statements.counts.insert).toBeGreaterThan(0);
    await holders.pop()!.release();
    expect(await nodes(processId)).toEqual(['start:DONE', 'first:NEW']);
    await engine.runHandle(taskId);
    expect(await nodes(processId)).toEqual(['start:DONE', 'first:DONE', 'second:NEW']);
  });

  it('with nowait a conflict is retried in a fresh transaction until the holder commits', async () => {
    await open();
    const { processId, taskId } = await started(NoWait);
    await holdProcessRow(processId);
    const holder = holders.pop()!;
    setTimeout(() => void holder.release(), 150);
    const statements = engine.database.statements;
    statements.recording = true;
    statements.reset();
    await engine.runHandle(taskId);
    const control = statements.recorded.filter((s) => /^(begin|rollback|commit)/i.test(s)).map((s) => s.split(' ')[0]);
    expect(control.at(-1)).toBe('commit');
    expect(control.filter((s) => s === 'begin').length).toBeGreaterThan(1);
    if (db.kind !== 'sqlite') expect(control.filter((s) => s === 'rollback').length).toBe(control.filter((s) => s === 'begin').length - 1);
    expect(await nodes(processId)).toEqual(['start:DONE', 'first:DONE', 'second:NEW']);
  });
});
