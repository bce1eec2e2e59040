import { LockError } from '../errors.ts';
import { isLockConflict } from './conflict.ts';
import type { LockStrategy } from './strategy.ts';

/** A transaction only: concurrent steps of one process are not kept apart
 * beyond what the database's isolation and the engine's compare-and-set
 * updates give (see docs/locking.md). The default, as in the system
 * Flowlane is modeled on. A lock wait that runs out (a busy SQLite file,
 * PostgreSQL lock_timeout, a deadlock) is not retried: it surfaces as
 * LockError, the transaction rolled back. */
export const noLock: LockStrategy = {
  name: 'none',
  async run(_processId, step) {
    try {
      return await step({ processLock: 'none' });
    } catch (error) {
      if (!isLockConflict(error)) throw error;
      throw new LockError(`The database lock was not granted: ${(error as Error).message}`, { cause: error });
    }
  },
};
