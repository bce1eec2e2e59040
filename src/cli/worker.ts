/**
 * `flowlane worker`: one worker process (jobs, timers, lost-work sweeps).
 * Run any number against one database; with `--runner bullmq` they share
 * the jobs through Redis. SIGTERM or SIGINT stops it after running jobs
 * finish; a second signal exits at once (their tasks are taken over later).
 */
import { parseArgs } from 'node:util';
import type { Command } from './main.ts';
import { loadConfig } from './config.ts';
import { createEngine } from '../engine/engine.ts';
import { startWorker, type WorkerOptions } from '../jobs/index.ts';

const USAGE = `flowlane worker [--runner in-process|bullmq] [--redis URL] [--queue NAME]
                [--concurrency N] [--poll-interval MS] [--sweep-interval MS] [--lease MS]
                [--database URL] [--config FILE]
  --runner bullmq takes jobs from Redis (--redis, default FLOWLANE_REDIS_URL
  or redis://127.0.0.1:6379); in-process (the default) needs no service.`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

export const command: Command = {
  summary: 'run background jobs and timers (any number of worker processes)',
  usage: USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        runner: { type: 'string', default: 'in-process' },
        redis: { type: 'string' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        'poll-interval': { type: 'string' },
        'sweep-interval': { type: 'string' },
        lease: { type: 'string' },
        database: { type: 'string' },
        config: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.runner !== 'in-process' && values.runner !== 'bullmq') throw new Error(`--runner must be in-process or bullmq\n\nUsage: ${USAGE}`);
    const configOptions: Record<string, string> = {};
    if (values.database) configOptions.database = values.database;
    if (values.config) configOptions.config = values.config;
    const config = await loadConfig(configOptions);
    if (config.flows.length === 0) throw new Error('no flows configured: list them in flowlane.config.ts (flows: [...])');

    const options: WorkerOptions = {
      runner: values.runner,
      redis: values.redis,
      queue: values.queue,
      concurrency: number('concurrency', values.concurrency),
      pollInterval: number('poll-interval', values['poll-interval']),
      sweepInterval: number('sweep-interval', values['sweep-interval']),
      lease: number('lease', values.lease),
    };
    const engine = await createEngine({ database: config.database, flows: config.flows });
    try {
      // A worker that fails to start must not leave the engine's connections holding the process.
      const worker = await startWorker(engine, options);
      process.stdout.write(`flowlane worker ${process.pid}: ${worker.runner.name} runner, ${engine.flows.length} flow(s); ready\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      process.stdout.write(`flowlane worker ${process.pid}: stopping after running jobs finish (signal again to exit now)\n`);
      const now = () => process.exit(1);
      process.once('SIGTERM', now);
      process.once('SIGINT', now);
      await worker.stop();
    } finally {
      await engine.close();
    }
    return 0;
  },
};
