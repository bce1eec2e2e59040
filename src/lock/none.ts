import type { LockStrategy } from './strategy.ts';

/** A transaction only: concurrent steps of one process are not kept apart
 * beyond what the database's isolation and the engine's compare-and-set
 * updates give. The default, as in the system Flowlane is modeled on. */
export const noLock: LockStrategy = {
  name: 'none',
  run: (_processId, step) => step({ processLock: 'none' }),
};
