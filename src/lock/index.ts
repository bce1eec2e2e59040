import { noLock } from './none.ts';
import { rowLock } from './row.ts';
import { redisLock } from './redis.ts';

export type { LockStrategy, StepAttempt } from './strategy.ts';
export type { RowLockOptions } from './row.ts';
export type { RedisLockOptions, RedisLockStrategy } from './redis.ts';

/**
 * `static lock = lock.rowLock()` (or `lock.rowLock` for the defaults);
 * `lock.redis({ url })`. Which to choose, per database: docs/locking.md.
 */
export const lock = {
  none: noLock,
  rowLock,
  redis: redisLock,
};
