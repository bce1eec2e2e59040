/**
 * flowlane/jobs: background jobs, timers and subprocesses. The node
 * factories are on `flow` (`flow.Job`, `flow.Timer`, `flow.StartTimer`,
 * `flow.Subprocess`, `flow.NSubprocess`, `.OnTimeout` on a View); this
 * module runs them: `startWorker(engine)`. See docs/jobs.md.
 */
import './kinds.ts';

export { startWorker, useQueue, type Worker, type WorkerOptions } from './worker.ts';
export { inProcessRunner, type Runner, type JobQueue, type QueuedJob, type WorkerLogger } from './runner.ts';
export { bullmqRunner, type BullmqOptions } from './bullmq.ts';
export type { JobActivation } from './execute.ts';
export { parentOf } from './subprocess.ts';
export { JobNode, TimerNode, StartTimerNode, SubprocessNode, NSubprocessNode, type JobOptions, type SubprocessOptions } from './nodes.ts';
