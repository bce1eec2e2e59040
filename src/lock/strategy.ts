/**
 * A lock strategy keeps the steps of one process apart. The engine calls
 * `run` around every step: take the lock, run the step (which begins and
 * commits its own transaction), release. Row locks instead ask the step to
 * read the process row `FOR UPDATE`; each attempt is a fresh transaction.
 */
export interface StepAttempt {
  /** How the step must read the process row. */
  processLock: 'none' | 'forUpdate' | 'forUpdateNowait';
}

export interface LockStrategy {
  readonly name: string;
  /** Whether `run` needs the process id (a Redis key does; a row lock reads it itself). */
  readonly needsProcessId?: boolean;
  /** Runs `step` once or more (retries) under the lock for `processId`. */
  run<T>(processId: number | undefined, step: (attempt: StepAttempt) => Promise<T>): Promise<T>;
  /** Frees connections the strategy holds (Redis clients). */
  close?(): Promise<void>;
}
