/**
 * Row lock: each step reads its process row `SELECT … FOR UPDATE`, so steps
 * of one process run one after another while steps of different processes
 * run in parallel. By default a step waits in the database's own lock queue
 * (first come, first served; bounded by the `lockTimeoutMs` setting); with
 * `nowait` it fails at once and retries after a jittered exponential
 * backoff, which starves some steps when many wait for one process (50
 * steps at once on MariaDB: see test/concurrency/join.test.ts and
 * docs/locking.md). A failed attempt aborts its transaction (PostgreSQL
 * cannot go on in it), so each retry is a fresh transaction.
 * On SQLite the immediate write transaction already serializes steps.
 */
import { LockError } from '../errors.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { isLockConflict } from './conflict.ts';
import type { LockStrategy } from './strategy.ts';

export interface RowLockOptions {
  /** Fail at once when the row is locked, then retry (default false: wait for it). */
  nowait?: boolean;
  /** Attempts before a LockError (default 3 waits, or 20 tries with `nowait`). */
  attempts?: number;
  /** First backoff ceiling in ms (default 10), doubling up to `maxDelayMs` (default 500). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export function rowLock(options: RowLockOptions = {}): LockStrategy {
  const nowait = options.nowait ?? false;
  const attempts = options.attempts ?? (nowait ? 20 : 3);
  const base = options.baseDelayMs ?? 10;
  const max = options.maxDelayMs ?? 500;
  return {
    name: 'rowLock',
    async run(_processId, step) {
      let last: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        try {
          return await step({ processLock: nowait ? 'forUpdateNowait' : 'forUpdate' });
        } catch (error) {
          if (!isLockConflict(error)) throw error;
          last = error;
          if (attempt + 1 < attempts) await sleep(backoffDelay(attempt, base, max));
        }
      }
      throw new LockError(
        `Could not lock the process row after ${attempts} attempts: ${(last as Error)?.message ?? 'locked'}`,
        { cause: last },
      );
    },
  };
}
