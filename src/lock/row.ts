/**
 * Row lock: each step reads its process row `SELECT … FOR UPDATE`
 * (optionally NOWAIT), so steps of one process run one after another
 * while steps of different processes run in parallel. A NOWAIT failure
 * aborts the attempt's transaction (PostgreSQL cannot go on in it), so each
 * retry is a fresh transaction, after a jittered exponential backoff.
 * On SQLite the immediate write transaction already serializes steps.
 */
import { LockError } from '../errors.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { LockStrategy } from './strategy.ts';

export interface RowLockOptions {
  /** Fail at once when the row is locked, then retry (default true). */
  nowait?: boolean;
  /** Attempts before a LockError (default 10). */
  attempts?: number;
  /** First backoff ceiling in ms (default 10), doubling up to `maxDelayMs` (default 500). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Driver errors that mean "someone else holds the lock" on each database. */
export function isLockConflict(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string };
  return (
    e?.code === '55P03' || // PostgreSQL lock_not_available (NOWAIT)
    e?.code === '40P01' || // PostgreSQL deadlock_detected
    e?.code === '40001' || // serialization_failure
    e?.errno === 3572 || // MySQL NOWAIT
    e?.errno === 1205 || // MySQL lock wait timeout
    e?.errno === 1213 || // MySQL deadlock
    e?.code === 'SQLITE_BUSY'
  );
}

export function rowLock(options: RowLockOptions = {}): LockStrategy {
  const attempts = options.attempts ?? 10;
  const nowait = options.nowait ?? true;
  const base = options.baseDelayMs ?? 10;
  const max = options.maxDelayMs ?? 500;
  return {
    name: 'rowLock',
    async run(processId, step) {
      let last: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        try {
          return await step({ processLock: nowait ? 'forUpdateNowait' : 'forUpdate' });
        } catch (error) {
          if (!isLockConflict(error)) throw error;
          last = error;
          await sleep(backoffDelay(attempt, base, max));
        }
      }
      throw new LockError(
        `Could not lock process ${processId ?? ''} after ${attempts} attempts: ${(last as Error)?.message ?? 'locked'}`,
        { cause: last },
      );
    },
  };
}
