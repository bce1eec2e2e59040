import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { z } from 'zod';
import { Flow, flow, lock, self, SYSTEM_USER, type Engine, type EngineEvents, type TaskInfo } from '../../src/index.ts';
import { inProcessRunner, type JobActivation, type QueuedJob, type Runner } from '../../src/jobs/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { harness, sleep, waitFor } from './support.ts';

const Data = z.object({ fail: z.number().default(0), sent: z.number().default(0) });
type D = z.infer<typeof Data>;

/** Handler runs, by database and process id (each database numbers its own). */
const runs = new Map<string, Array<{ attempt: number; at: number }>>();
/** Processes whose handler was "fixed" (stops failing) before a revive. */
const fixed = new Set<string>();
const keyOf = (engine: Engine, processId: number) => `${engine.database.url} ${processId}`;

class SendFlow extends Flow<D> {
  static data = Data;
  start = flow.StartHandle().Next(self.send);
  send = flow.Job(self.sendMessage, { attempts: 3, backoff: 60 }).Next(self.end);
  end = flow.End();

  async sendMessage(activation: JobActivation<D>) {
    const { process, attempt } = activation;
    const key = keyOf(activation.engine, process.id);
    runs.set(key, [...(runs.get(key) ?? []), { attempt, at: Date.now() }]);
    await sleep(20);
    if (!fixed.has(key) && attempt <= process.data.fail) throw new Error(`attempt ${attempt} failed`);
    process.data.sent += 1;
  }
}

/** Split: the job beside a Handle; the handler runs that Handle while it runs,
 * which works only if the job holds neither the process lock nor a transaction. */
class BesideFlow extends Flow<D> {
  static data = Data;
  static lock = lock.rowLock();
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.job).Always(self.handle);
  job = flow.Job(self.runHandle).Next(self.join);
  handle = flow.Handle().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();

  async runHandle(activation: JobActivation<D>) {
    const tasks = await activation.engine.getTasks(activation.process.id);
    await activation.engine.runHandle(tasks.find((t) => t.node === 'handle')!.id);
  }
}

/** A job followed by a node that fails: in the background step it ends in ERROR. */
class ThenFailsFlow extends Flow {
  start = flow.StartHandle().Next(self.job);
  job = flow.Job(() => undefined).Next(self.boom);
  boom = flow.Function(() => {
    throw new Error('next node broke');
  }).Next(self.end);
  end = flow.End();
}

/** A step that creates a job and then fails: nothing commits, nothing is handed off. */
class RollbackFlow extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.job).Always(self.boom);
  job = flow.Job(() => undefined).Next(self.end);
  boom = flow.Function(() => {
    throw new Error('rolled back');
  }).Next(self.end);
  end = flow.End();
}

/** Resolves the handlers of ParallelFlow together, so their steps race. */
let releaseParallel: () => void = () => undefined;
let parallel = new Promise<void>((resolve) => (releaseParallel = resolve));

/** Two jobs of one process finishing at once, then a Join. */
class ParallelFlow extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.a).Always(self.b);
  a = flow.Job(() => parallel).Next(self.join);
  b = flow.Job(() => parallel).Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

const FLOWS = [SendFlow, BesideFlow, ThenFailsFlow, RollbackFlow, ParallelFlow];
const node = (tasks: TaskInfo[], name: string) => tasks.filter((t) => t.node === name);

/** Records every hand-off before passing it on. */
function spying(inner: Runner, seen: (jobs: readonly QueuedJob[]) => Promise<void> | void = () => undefined) {
  const added: QueuedJob[] = [];
  const runner: Runner = {
    name: 'spy',
    async add(jobs) {
      added.push(...jobs);
      await seen(jobs);
      await inner.add(jobs);
    },
    consume: (deliver, concurrency) => inner.consume(deliver, concurrency),
    close: () => inner.close(),
  };
  return { runner, added };
}

await describeEachDatabase('jobs', (db) => {
  const h = harness(db, FLOWS);
  const runsOf = (id: number) => runs.get(`${db.url} ${id}`) ?? [];

  async function finished(engine: Engine, processId: number) {
    await waitFor(`process ${processId} to finish`, async () => (await engine.getProcess(processId)).status === 'DONE');
    return engine.getTasks(processId);
  }

  it('runs the handler in a worker, saves its data changes and continues the flow', async () => {
    const engine = await h.engine();
    await h.worker(engine);
    const started: number[] = [];
    engine.on('task.started', ({ task }) => void started.push(task.id));
    const process = await engine.start(SendFlow, 'start');
    const tasks = await finished(engine, process.id);
    const [send] = node(tasks, 'send');
    expect(tasks.map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['send', 'DONE'],
      ['end', 'DONE'],
    ]);
    expect(send!.taskType).toBe('JOB');
    expect(send!.data).toEqual({ job: { runs: 1, failures: 0 } });
    expect(send!.started).not.toBeNull();
    expect(started).toEqual([send!.id]);
    expect((await engine.getProcess(process.id)).data).toEqual({ fail: 0, sent: 1 });
    expect(runsOf(process.id).map((r) => r.attempt)).toEqual([1]);
  });

  it('runs the handler outside the flow lock and any transaction', async () => {
    const engine = await h.engine();
    await h.worker(engine);
    const process = await engine.start(BesideFlow, 'start');
    const tasks = await finished(engine, process.id);
    expect(node(tasks, 'handle')[0]!.status).toBe('DONE');
    expect(node(tasks, 'join')[0]!.status).toBe('DONE');
  });

  it('retries with backoff, the task staying active with an attempt counter, then succeeds', async () => {
    const engine = await h.engine();
    await h.worker(engine);
    const process = await engine.start(SendFlow, 'start', { data: { fail: 2 } });
    const waiting = await waitFor('the first retry to be scheduled', async () =>
      node(await engine.getTasks(process.id), 'send').find((t) => t.status === 'SCHEDULED'),
    );
    expect(waiting.data.job).toMatchObject({ runs: 1, failures: 1, lastError: { message: 'attempt 1 failed' } });
    expect(waiting.scheduled).toBeGreaterThan(waiting.started!);

    const tasks = await finished(engine, process.id);
    expect(node(tasks, 'send')).toHaveLength(1);
    expect(node(tasks, 'send')[0]!.data.job).toMatchObject({ runs: 3, failures: 2 });
    const [first, second, third] = runsOf(process.id);
    expect([first!.attempt, second!.attempt, third!.attempt]).toEqual([1, 2, 3]);
    // 20 ms of work, then 60 ms and 120 ms of backoff (exponential).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(60 + 20 - 2);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(120 + 20 - 2);
    expect((await engine.getProcess(process.id)).data.sent).toBe(1);
  });

  it('leaves the task in ERROR with message and stack after its attempts; revive runs it again', async () => {
    const engine = await h.engine();
    await h.worker(engine, { runner: spying(inProcessRunner()).runner });
    const failed: Array<EngineEvents['task.failed']> = [];
    engine.on('task.failed', (event) => void failed.push(event));
    const process = await engine.start(SendFlow, 'start', { data: { fail: 9 } });
    const broken = await waitFor('the job to fail for good', async () =>
      node(await engine.getTasks(process.id), 'send').find((t) => t.status === 'ERROR'),
    );
    const error = broken.data.error as { message: string; stack: string };
    expect(error.message).toBe('attempt 3 failed');
    expect(error.stack).toContain('sendMessage');
    expect(broken.data.job).toMatchObject({ runs: 3, failures: 3 });
    expect(broken.scheduled).toBeNull();
    // Events go out after the commit, so the row can be seen before the event.
    await waitFor('the failure event', async () => failed.length > 0);
    expect(failed.map((e) => e.task.id)).toEqual([broken.id]);
    expect((await engine.getProcess(process.id)).status).toBe('NEW');

    fixed.add(keyOf(engine, process.id));
    await engine.revive(broken.id, { user: SYSTEM_USER });
    const tasks = await finished(engine, process.id);
    const [old, revived] = node(tasks, 'send');
    expect(old!.status).toBe('REVIVED');
    expect(revived!.status).toBe('DONE');
    expect(revived!.previous).toContain(old!.id);
    expect(revived!.data).toEqual({ job: { runs: 1, failures: 0 } });
    expect(runsOf(process.id).map((r) => r.attempt)).toEqual([1, 2, 3, 1]);
  });

  it('hands a job to the queue only after its step commits', async () => {
    const engine = await h.engine();
    const visible: string[] = [];
    const spy = spying(inProcessRunner(), async (jobs) => {
      for (const job of jobs) visible.push(`${job.key} ${(await engine.getTask(job.taskId)).status}`);
    });
    await h.worker(engine, { runner: spy.runner, sweepInterval: 60_000 });
    await expect(engine.start(RollbackFlow, 'start')).rejects.toThrow('rolled back');
    expect(spy.added).toEqual([]);

    const process = await engine.start(SendFlow, 'start');
    const [send] = node(await engine.getTasks(process.id), 'send');
    expect(visible[0]).toBe(`${send!.id}-0 NEW`);
    await finished(engine, process.id);
  });

  it('runs a job once when two deliveries of it arrive at once', async () => {
    const producer = await h.engine();
    const process = await producer.start(SendFlow, 'start');
    const [send] = node(await producer.getTasks(process.id), 'send');
    // Two workers, each holding a copy of the job (as a redelivery or a second sweep would).
    const runners = [inProcessRunner(), inProcessRunner()];
    for (const runner of runners) await runner.add([{ taskId: send!.id, key: `${send!.id}-0`, delay: 0 }]);
    const engines = await h.engines(2);
    await Promise.all(runners.map((runner, i) => h.worker(engines[i]!, { runner })));
    const tasks = await finished(producer, process.id);
    await sleep(50);
    expect(runsOf(process.id)).toHaveLength(1);
    expect(node(tasks, 'end')).toHaveLength(1);
    expect((await producer.getProcess(process.id)).data.sent).toBe(1);
  });

  it('never runs the job of a canceled process; its delivery is logged and ignored', async () => {
    const producer = await h.engine();
    const process = await producer.start(SendFlow, 'start');
    const [send] = node(await producer.getTasks(process.id), 'send');
    await producer.cancelProcess(process.id);
    const runner = inProcessRunner();
    await runner.add([{ taskId: send!.id, key: `${send!.id}-0`, delay: 0 }]);
    await h.worker(await h.engine(), { runner });
    await waitFor('the delivery to be ignored', () => h.logger.lines.find((l) => l.includes(`delivery ${send!.id}-0 ignored`)));
    expect(h.logger.lines.join('\n')).toContain(`job task ${send!.id} (send) is CANCELED`);
    expect(runsOf(process.id)).toEqual([]);
  });

  it('ignores a stale copy of a job handed off before its last run, so a retry keeps its backoff', async () => {
    const producer = await h.engine();
    const process = await producer.start(SendFlow, 'start', { data: { fail: 1 } });
    const [send] = node(await producer.getTasks(process.id), 'send');
    const runner = inProcessRunner();
    const engines = await h.engines(2);
    await h.worker(engines[0]!, { runner, sweepInterval: 60_000 });
    await h.worker(engines[1]!);
    const waiting = await waitFor('the retry to be scheduled', async () => {
      const task = await producer.getTask(send!.id);
      return task.status === 'SCHEDULED' ? task : undefined;
    });
    await runner.add([{ taskId: send!.id, key: `${send!.id}-0`, delay: 0 }]);
    await waitFor('the stale copy to be ignored', () => h.logger.lines.find((l) => l.includes(`delivery ${send!.id}-0`) && l.includes('ignored')));
    await finished(producer, process.id);
    const [first, second] = runsOf(process.id);
    expect(second!.at).toBeGreaterThanOrEqual(waiting.scheduled! - 2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(60);
  });

  it('finds a job committed but never handed off, at start and on later sweeps', async () => {
    const producer = await h.engine();
    const before = await producer.start(SendFlow, 'start');
    await h.worker(await h.engine(), { sweepInterval: 50 });
    await finished(producer, before.id);
    const after = await producer.start(SendFlow, 'start');
    await finished(producer, after.id);
    expect(runsOf(before.id)).toHaveLength(1);
    expect(runsOf(after.id)).toHaveLength(1);
  });

  it('takes a job back from a worker that stopped mid-run, and gives up after maxStalls', async () => {
    const producer = await h.engine();
    const stalled = async (runs: number) => {
      const process = await producer.start(SendFlow, 'start');
      const [send] = node(await producer.getTasks(process.id), 'send');
      // What a worker killed mid-run leaves behind: STARTED, its lease run out.
      const data = JSON.stringify({ job: { runs, failures: 0 } });
      await sql`update flowlane_task set status = 'STARTED', scheduled = ${Date.now() - 1}, data = ${data} where id = ${send!.id}`.execute(
        producer.database.db,
      );
      return { process, send: send! };
    };
    const once = await stalled(1);
    const often = await stalled(3);
    await h.worker(await h.engine(), { maxStalls: 2 });
    const tasks = await finished(producer, once.process.id);
    expect(node(tasks, 'send')[0]!.data.job).toEqual({ runs: 2, failures: 0 });
    expect(runsOf(once.process.id).map((r) => r.attempt)).toEqual([2]);

    const gaveUp = await waitFor('the stalled job to be given up', async () => {
      const task = await producer.getTask(often.send.id);
      return task.status === 'ERROR' ? task : undefined;
    });
    expect((gaveUp.data.error as { message: string }).message).toContain('stopped 3 times');
    expect(runsOf(often.process.id)).toEqual([]);
  });

  it('completes two jobs of one process that finish at once, the later step retried: the join runs once', async () => {
    const engine = await h.engine();
    await h.worker(engine, { concurrency: 2 });
    const process = await engine.start(ParallelFlow, 'start');
    await waitFor('both jobs to run', async () => (await engine.getTasks(process.id)).filter((t) => t.status === 'STARTED').length === 2);
    releaseParallel();
    const tasks = await finished(engine, process.id);
    parallel = new Promise<void>((resolve) => (releaseParallel = resolve));
    expect(tasks.map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['split', 'DONE'],
      ['a', 'DONE'],
      ['b', 'DONE'],
      ['join', 'DONE'],
      ['end', 'DONE'],
    ]);
  });

  it('ends in ERROR at a failing next node, the job itself DONE', async () => {
    const engine = await h.engine();
    await h.worker(engine);
    const process = await engine.start(ThenFailsFlow, 'start');
    const boom = await waitFor('the next node to fail', async () => node(await engine.getTasks(process.id), 'boom')[0]);
    expect(boom.status).toBe('ERROR');
    expect((boom.data.error as { message: string }).message).toBe('next node broke');
    expect(node(await engine.getTasks(process.id), 'job')[0]!.status).toBe('DONE');
  });
});
