/**
 * A worker runs the jobs its runner delivers, fires due timers and
 * StartTimer ticks, and sweeps for work that would otherwise be lost
 * (sweep.ts). Any number of workers may share one database; each claims
 * what it does.
 */
import type { Engine } from '../engine/engine.ts';
import type { Step } from '../engine/step.ts';
import { bullmqRunner } from './bullmq.ts';
import { deliver, jobKey, type ExecuteContext } from './execute.ts';
import { inProcessRunner, type JobQueue, type QueuedJob, type Runner, type WorkerLogger } from './runner.ts';
import { sweeper } from './sweep.ts';
import { Ticker } from './ticker.ts';
import { fireDueTimers, startTimers, tickStartTimers, timedNodes } from './timers.ts';

export interface WorkerOptions {
  /** Where jobs wait: 'in-process' (default, needs no service), 'bullmq'
   * (Redis; for several worker processes), or a runner you built. */
  runner?: 'in-process' | 'bullmq' | Runner;
  /** For runner 'bullmq': Redis URL (default FLOWLANE_REDIS_URL, else redis://127.0.0.1:6379). */
  redis?: string;
  /** For runner 'bullmq': queue name (default 'flowlane'). */
  queue?: string;
  /** Jobs this worker runs at once (default 4). */
  concurrency?: number;
  /** How often to look for due timers, in ms (default 1000). */
  pollInterval?: number;
  /** How often to look for lost work, in ms (default 10 000). The first sweep runs at start. */
  sweepInterval?: number;
  /** How long a running job or a claimed timer stays held without renewal
   * before another worker may take it over, in ms (default 30 000). */
  lease?: number;
  /** Times a job's worker may stop mid-run before the task goes to ERROR (default 2). */
  maxStalls?: number;
  logger?: WorkerLogger;
}

export interface Worker {
  readonly runner: Runner;
  /** Stops taking work, waits for running jobs to finish, closes the runner. */
  stop(): Promise<void>;
}

const consoleLogger: WorkerLogger = { info: console.info, warn: console.warn, error: console.error };

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`worker option ${name} must be a positive number, got ${value}`);
  return value;
}

function jobsCreatedIn(step: Step): QueuedJob[] {
  const jobs: QueuedJob[] = [];
  for (const event of step.events) {
    if (event.name !== 'task.created' || event.payload.task.taskType !== 'JOB') continue;
    const task = step.tasks.get(event.payload.task.id);
    if (task?.status === 'NEW') jobs.push({ taskId: task.id, key: jobKey(task.id, 0), delay: 0 });
  }
  return jobs;
}

/**
 * Hands the jobs each committed step of `engine` creates to `queue`. A
 * process that creates jobs but runs no worker (a web server next to
 * BullMQ workers) calls this; without it, workers find the jobs on their
 * next sweep. Returns a function that stops the hand-off.
 */
export function useQueue(engine: Engine, queue: JobQueue, options: { logger?: WorkerLogger } = {}): () => void {
  const log = options.logger ?? consoleLogger;
  return engine.onCommitted(async (step) => {
    const jobs = jobsCreatedIn(step);
    if (jobs.length === 0) return;
    try {
      await queue.add(jobs);
    } catch (error) {
      log.error(`flowlane: handing ${jobs.length} job(s) to the queue failed; a worker's sweep finds them`, error);
    }
  });
}

/** Starts a worker beside `engine` (which must have every flow whose jobs it runs). */
export async function startWorker(engine: Engine, options: WorkerOptions = {}): Promise<Worker> {
  const log = options.logger ?? consoleLogger;
  const leaseMs = positive('lease', options.lease ?? 30_000);
  const concurrency = positive('concurrency', options.concurrency ?? 4);
  const runner =
    typeof options.runner === 'object'
      ? options.runner
      : options.runner === 'bullmq'
        ? bullmqRunner({ redis: options.redis, queue: options.queue, logger: log })
        : inProcessRunner();
  const ctx: ExecuteContext = { engine, leaseMs, maxStalls: options.maxStalls ?? 2, log, requeue: (jobs) => runner.add(jobs) };

  const timed = timedNodes(engine);
  const starts = startTimers(engine);
  const timerCtx = { engine, leaseMs, log };
  const timers = new Ticker(
    positive('pollInterval', options.pollInterval ?? 1_000),
    async () => {
      await fireDueTimers(timerCtx, timed);
      await tickStartTimers(timerCtx, starts);
    },
    (error) => log.error('flowlane: firing timers failed', error),
  );
  const sweeps = new Ticker(positive('sweepInterval', options.sweepInterval ?? 10_000), sweeper(ctx, runner), (error) =>
    log.error('flowlane: sweeping for lost jobs failed', error),
  );

  const stopHandOff = useQueue(engine, runner, { logger: log });
  // Fire a timer created here at its due time rather than at the next poll.
  const stopWaking = engine.onCommitted((step) => {
    for (const event of step.events) {
      if (event.name !== 'task.created' || event.payload.task.taskType === 'JOB') continue;
      const scheduled = step.tasks.get(event.payload.task.id)?.scheduled;
      if (scheduled != null) timers.wake(scheduled - engine.now());
    }
  });
  await runner.consume(async (job) => {
    try {
      await deliver(ctx, job);
    } catch (error) {
      log.error(`flowlane: job ${job.key} could not be run now; the task waits and a sweep hands it off again`, error);
    }
  }, concurrency);
  sweeps.start();
  timers.start();

  return {
    runner,
    async stop() {
      stopHandOff();
      stopWaking();
      await Promise.all([timers.stop(), sweeps.stop()]);
      await runner.close();
    },
  };
}
