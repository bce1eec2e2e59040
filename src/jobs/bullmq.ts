/**
 * BullMQ runner: jobs wait in a Redis queue shared by any number of worker
 * processes. BullMQ only carries the messages: the job id is the hand-off
 * key (so a sweep re-adding a job already queued is a no-op), finished jobs
 * are removed, and retries, attempts and errors live on the task.
 */
import type { Queue, Worker } from 'bullmq';
import type { QueuedJob, Runner, WorkerLogger } from './runner.ts';

export interface BullmqOptions {
  /** Redis URL (default FLOWLANE_REDIS_URL, else redis://127.0.0.1:6379). */
  redis?: string;
  /** Queue name (default 'flowlane'); every process of one application uses the same. */
  queue?: string;
  /** Redis key prefix (default BullMQ's 'bull'). */
  prefix?: string;
  /** How long BullMQ holds an active job without renewal (default 30 000 ms). */
  lockDuration?: number;
  /** Where Redis connection errors go (default: console). */
  logger?: Pick<WorkerLogger, 'error'>;
}

export function bullmqRunner(options: BullmqOptions = {}): Runner {
  const name = options.queue ?? 'flowlane';
  // BullMQ's blocking reads need maxRetriesPerRequest: null.
  const connection = { url: options.redis ?? process.env.FLOWLANE_REDIS_URL ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
  const prefix = options.prefix;
  const logger = options.logger ?? console;
  // Without a listener an 'error' event (Redis gone) would crash the process.
  const logError = (error: Error) => logger.error(`flowlane: BullMQ queue ${name}: ${error.message}`, error);
  let queue: Promise<Queue> | undefined;
  let worker: Worker | undefined;

  const open = () =>
    (queue ??= import('bullmq').then(async ({ Queue }) => {
      const q = new Queue(name, { connection, ...(prefix ? { prefix } : {}) });
      q.on('error', logError);
      await q.waitUntilReady();
      return q;
    }));

  return {
    name: 'bullmq',
    async add(jobs: readonly QueuedJob[]) {
      if (jobs.length === 0) return;
      await (
        await open()
      ).addBulk(
        jobs.map((job) => ({
          name: 'task',
          data: { taskId: job.taskId },
          opts: { jobId: job.key, delay: Math.max(0, Math.round(job.delay)), removeOnComplete: true, removeOnFail: true },
        })),
      );
    },
    async consume(deliver, concurrency) {
      const { Worker } = await import('bullmq');
      worker = new Worker(name, (job) => deliver({ taskId: Number(job.data.taskId), key: job.id!, delay: 0 }), {
        connection,
        concurrency,
        ...(prefix ? { prefix } : {}),
        ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      });
      worker.on('error', logError);
      await worker.waitUntilReady();
    },
    async close() {
      await worker?.close();
      if (queue) await (await queue).close();
    },
  };
}
