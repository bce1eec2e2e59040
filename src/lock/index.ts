import { noLock } from './none.ts';
import { rowLock } from './row.ts';

export type { LockStrategy, StepAttempt } from './strategy.ts';
export type { RowLockOptions } from './row.ts';

/** `static lock = lock.rowLock()` (or `lock.rowLock` for the defaults). */
export const lock = {
  none: noLock,
  rowLock,
};
