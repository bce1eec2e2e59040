/**
 * Jobs per second with 1 and with 2 worker processes (`flowlane worker`).
 *
 *   npx tsx bench/jobs.ts [--db=postgres|sqlite] [--runner=bullmq|in-process]
 *                         [--jobs=2000] [--workers=1,2] [--concurrency=8]
 *
 * Each round creates the processes first (their jobs wait in the
 * database), then starts the workers, whose first sweep hands every job
 * off. The rate is taken between 10 % and 90 % of the jobs done, so worker
 * start-up does not count. A job here costs two steps (claim, complete)
 * around a handler that does nothing: the engine's own overhead.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createEngine } from '../src/index.ts';
import { createBenchDatabase, type DbKind } from './db.ts';
import { JobBenchFlow } from './jobs.config.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    runner: { type: 'string', default: 'bullmq' },
    jobs: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '1,2' },
    concurrency: { type: 'string', default: '8' },
  },
});
const jobs = Number(values.jobs);
const root = fileURLToPath(new URL('..', import.meta.url));

function startWorker(url: string, queue: string) {
  const child = spawn(
    process.execPath,
    ['bin/flowlane.mjs', 'worker', '--config', 'bench/jobs.config.ts', '--database', url, '--runner', values.runner!, '--queue', queue, '--concurrency', values.concurrency!],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { stop: () => new Promise<void>((resolve) => (child.kill('SIGTERM'), child.once('exit', () => resolve()))) };
}

async function round(workers: number): Promise<number> {
  const database = await createBenchDatabase(values.db as DbKind);
  const engine = await createEngine({ database: database.url, flows: [JobBenchFlow], logger: console });
  try {
    for (let i = 0; i < jobs; i += 16) {
      await Promise.all(Array.from({ length: Math.min(16, jobs - i) }, () => engine.start(JobBenchFlow, 'start')));
    }
    const db = engine.database.db;
    const done = async () => Number((await db.selectFrom('flowlane_process').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'DONE').executeTakeFirstOrThrow()).n);
    const queue = `flowlane-bench-${randomBytes(4).toString('hex')}`;
    const started = Array.from({ length: workers }, () => startWorker(database.url, queue));
    let t10 = 0;
    let t90 = 0;
    while (!t90) {
      const n = await done();
      if (!t10 && n >= jobs * 0.1) t10 = performance.now();
      if (n >= jobs * 0.9) t90 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await Promise.all(started.map((w) => w.stop()));
    return (jobs * 0.8) / ((t90 - t10) / 1000);
  } finally {
    await engine.close();
    await database.drop();
  }
}

console.log(`${values.db}, ${values.runner} runner, ${jobs} jobs, concurrency ${values.concurrency} per worker; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
for (const workers of values.workers!.split(',').map(Number)) {
  console.log(`${workers} worker${workers > 1 ? 's' : ''}: ${(await round(workers)).toFixed(0)} jobs/s`);
}
