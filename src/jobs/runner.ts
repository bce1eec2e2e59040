/**
 * Where jobs wait for a worker. The database is the truth (a JOB task that
 * is NEW or SCHEDULED waits); a runner only carries "run task N" messages,
 * at least once. `key` names one hand-off (task id and runs so far), so a
 * runner drops a second copy of a message it already holds.
 */

export interface QueuedJob {
  taskId: number;
  key: string;
  /** Milliseconds before the job may run (a retry's backoff). */
  delay: number;
}

export interface WorkerLogger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

/** Producer side: processes that create jobs hand them off here. */
export interface JobQueue {
  add(jobs: readonly QueuedJob[]): Promise<void>;
  close(): Promise<void>;
}

export interface Runner extends JobQueue {
  readonly name: string;
  /** Delivers jobs to `deliver`, at most `concurrency` at once, until closed
   * (close waits for deliveries in progress). `deliver` does not throw. */
  consume(deliver: (job: QueuedJob) => Promise<void>, concurrency: number): Promise<void>;
}

/** setTimeout's limit; a later retry is left to the sweep that finds due jobs. */
const MAX_DELAY = 2 ** 31 - 1;

/** The default runner: an in-memory queue in this process; needs no service.
 * Jobs lost with the process are found again by the next worker's sweep. */
export function inProcessRunner(): Runner {
  const held = new Set<string>();
  const ready: QueuedJob[] = [];
  const delayed = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let deliver: ((job: QueuedJob) => Promise<void>) | undefined;
  let concurrency = 0;
  let closed = false;

  const pump = () => {
    while (deliver && !closed && running.size < concurrency && ready.length) {
      const job = ready.shift()!;
      const run: Promise<void> = deliver(job).finally(() => {
        running.delete(run);
        held.delete(job.key);
        pump();
      });
      running.add(run);
    }
  };

  return {
    name: 'in-process',
    async add(jobs) {
      for (const job of jobs) {
        if (closed || held.has(job.key) || job.delay > MAX_DELAY) continue;
        held.add(job.key);
        if (job.delay <= 0) {
          ready.push(job);
          continue;
        }
        const timer = setTimeout(() => {
          delayed.delete(timer);
          ready.push(job);
          pump();
        }, job.delay);
        delayed.add(timer);
      }
      pump();
    },
    async consume(fn, limit) {
      deliver = fn;
      concurrency = limit;
      pump();
    },
    async close() {
      closed = true;
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      ready.length = 0;
      await Promise.all(running);
    },
  };
}
