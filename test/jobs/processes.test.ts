/**
 * Several worker processes on one database: SQLite with the in-process
 * runner, and PostgreSQL with the BullMQ runner on Redis. Workers are real
 * `flowlane worker` processes; some are killed with SIGKILL mid-work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SYSTEM_USER, type Engine } from '../../src/index.ts';
import { bullmqRunner, useQueue, type Runner } from '../../src/jobs/index.ts';
import { createTestDatabase, REQUIRE_SERVICES, unavailable, type DatabaseKind, type TestDatabase } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';
import { BatchFlow, EscalationFlow, ReminderFlow, SendFlow, TickFlow, WaitFlow } from './fixtures/flows.ts';
import { redisUnavailable, runScript, spawnWorker, type WorkerProcess } from './spawn.ts';
import { waitFor } from './support.ts';

const SETUPS: Array<{ title: string; kind: DatabaseKind; runner: 'in-process' | 'bullmq' }> = [
  { title: 'SQLite, in-process runner', kind: 'sqlite', runner: 'in-process' },
  { title: 'PostgreSQL, BullMQ runner on Redis', kind: 'postgres', runner: 'bullmq' },
];

for (const setup of SETUPS) {
  const reason = (await unavailable(setup.kind)) ?? (setup.runner === 'bullmq' ? await redisUnavailable() : undefined);
  if (reason && REQUIRE_SERVICES) throw new Error(`${reason}; FLOWLANE_REQUIRE_SERVICES=1 forbids skipping`);
  if (reason) console.warn(`skipping worker processes on ${setup.title}: ${reason}`);

  (reason ? describe.skip : describe)(`worker processes [${setup.title}]`, () => {
    const queue = `flowlane-test-${randomBytes(4).toString('hex')}`;
    let database: TestDatabase;
    let engine: Engine;
    let handOff: Runner | undefined;
    let workers: WorkerProcess[] = [];
    let dir: string;
    let logs = 0;

    const spawnOne = () =>
      spawnWorker([
        '--database', database.url,
        '--runner', setup.runner,
        '--queue', queue,
        '--concurrency', '2',
        '--lease', '1000',
        '--sweep-interval', '200',
        '--poll-interval', '50',
      ]);
    const logFile = () => join(dir, `log-${++logs}.txt`);
    const lines = (file: string, what: string) =>
      (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []).filter((l) => l.startsWith(`${what} `)).map((l) => l.split(' '));
    const finished = (processId: number) =>
      waitFor(`process ${processId} to finish`, async () => (await engine.getProcess(processId)).status === 'DONE', 20_000);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'flowlane-workers-'));
      database = await createTestDatabase(setup.kind);
      // Migrates the database before the workers start; hands jobs off like a web server would.
      engine = await engineOn(database.url, [SendFlow, WaitFlow, TickFlow, EscalationFlow, ReminderFlow, BatchFlow]);
      if (setup.runner === 'bullmq') useQueue(engine, (handOff = bullmqRunner({ queue })));
      workers = await Promise.all([spawnOne(), spawnOne()]);
    }, 90_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill()));
      if (handOff) {
        await handOff.close();
        const { Queue } = await import('bullmq');
        const q = new Queue(queue, { connection: { url: process.env.FLOWLANE_REDIS_URL ?? 'redis://127.0.0.1:6379' } });
        await q.obliterate({ force: true });
        await q.close();
      }
      await engine?.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('runs each job once across the workers', async () => {
      const log = logFile();
      const processes = await Promise.all(Array.from({ length: 20 }, () => engine.start(SendFlow, 'start', { data: { log } })));
      for (const process of processes) await finished(process.id);
      const runs = lines(log, 'run');
      expect(runs).toHaveLength(20);
      expect(new Set(runs.map(([, task]) => task)).size).toBe(20);
    });

    it('retries with backoff; after its attempts the task is in ERROR; fixed and revived, it runs again', async () => {
      const retryLog = logFile();
      const retried = await engine.start(SendFlow, 'start', { data: { log: retryLog, fail: 2 } });
      await finished(retried.id);
      const runs = lines(retryLog, 'run');
      expect(runs.map(([, , attempt]) => attempt)).toEqual(['1', '2', '3']);
      const at = runs.map(([, , , , ms]) => Number(ms));
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(50);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(100);

      const failLog = logFile();
      const failing = await engine.start(SendFlow, 'start', { data: { log: failLog, fail: 9 } });
      const broken = await waitFor('the job to fail for good', async () => (await engine.getTasks(failing.id)).find((t) => t.status === 'ERROR'), 20_000);
      expect(broken.data.error).toMatchObject({ message: 'attempt 3 failed', stack: expect.stringContaining('sendMessage') });
      await engine.withTask(broken.id, { user: SYSTEM_USER }, async (ctx) => {
        ctx.process.data.fail = 0;
        await ctx.perform('revive');
      });
      await finished(failing.id);
      expect(lines(failLog, 'run').map(([, , attempt]) => attempt)).toEqual(['1', '2', '3', '1']);
    });

    it('a worker killed (SIGKILL) mid-job: another takes the job over and finishes it once', async () => {
      const log = logFile();
      const process = await engine.start(SendFlow, 'start', { data: { log, hang: true } });
      const [, , , pid] = await waitFor('the first run', () => lines(log, 'run')[0], 20_000);
      const victim = workers.find((w) => w.pid === Number(pid))!;
      await victim.kill('SIGKILL');
      const replacement = spawnOne(); // for the tests after this one

      await finished(process.id);
      workers = [...workers.filter((w) => w !== victim), await replacement];
      const runs = lines(log, 'run').map(([, , attempt, by]) => [attempt, by === pid ? 'killed' : 'other']);
      expect(runs).toEqual([
        ['1', 'killed'],
        ['2', 'other'],
      ]);
      const tasks = await engine.getTasks(process.id);
      expect(tasks.map((t) => [t.node, t.status])).toEqual([
        ['start', 'DONE'],
        ['send', 'DONE'],
        ['end', 'DONE'],
      ]);
      expect(tasks[1]!.data.job).toEqual({ runs: 2, failures: 0 });
    });

    it('a process killed between commit and hand-off: its job is found and run', async () => {
      const log = logFile();
      const died = await runScript('test/jobs/fixtures/die-before-hand-off.ts', [database.url, log]);
      expect(died.signal, died.output).toBe('SIGKILL');
      const row = await engine.database.db.selectFrom('flowlane_process').select('id').where('flow', '=', 'send').orderBy('id', 'desc').executeTakeFirstOrThrow();
      await finished(Number(row.id));
      expect(lines(log, 'run')).toHaveLength(1);
    });

    it('two workers fire each timer once', async () => {
      const log = logFile();
      const until = Date.now() + 300;
      const processes = await Promise.all(Array.from({ length: 10 }, () => engine.start(WaitFlow, 'start', { data: { log, until } })));
      for (const process of processes) await finished(process.id);
      expect(lines(log, 'fired').map(([, id]) => Number(id)).sort((a, b) => a - b)).toEqual(processes.map((p) => p.id).sort((a, b) => a - b));
      for (const process of processes) expect((await engine.getTasks(process.id)).filter((t) => t.node === 'after')).toHaveLength(1);
    });

    it('OnTimeout fires once across workers, interrupting and not', async () => {
      const log = logFile();
      const until = Date.now() + 300;
      const escalation = await engine.start(EscalationFlow, 'start', { data: { log, until } });
      const reminder = await engine.start(ReminderFlow, 'start', { data: { log, until } });
      await finished(escalation.id);
      await waitFor('the reminder path', async () => (await engine.getTasks(reminder.id)).some((t) => t.node === 'escalated'), 20_000);
      const states = async (id: number) => (await engine.getTasks(id)).map((t) => [t.node, t.status]);
      expect(await states(escalation.id)).toEqual([
        ['start', 'DONE'],
        ['approve', 'CANCELED'],
        ['escalate', 'DONE'],
        ['escalated', 'DONE'],
      ]);
      expect(await states(reminder.id)).toEqual([
        ['start', 'DONE'],
        ['approve', 'NEW'],
        ['escalate', 'DONE'],
        ['escalated', 'DONE'],
      ]);
      expect(lines(log, 'escalated').map(([, id]) => Number(id))).toEqual(expect.arrayContaining([escalation.id, reminder.id]));
      expect(lines(log, 'escalated')).toHaveLength(2);
    });

    it('NSubprocess children run their jobs in the workers; the parent completes', async () => {
      const log = logFile();
      const batch = await engine.start(BatchFlow, 'start', { data: { log, items: [1, 2, 3] } });
      await finished(batch.id);
      expect(lines(log, 'run')).toHaveLength(3);
    });

    it('timers that fell due while every worker was down fire once when workers come back', async () => {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      const log = logFile();
      const until = Date.now() + 100;
      const processes = await Promise.all(Array.from({ length: 5 }, () => engine.start(WaitFlow, 'start', { data: { log, until } })));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(lines(log, 'fired')).toEqual([]);
      workers = await Promise.all([spawnOne(), spawnOne()]);
      for (const process of processes) await finished(process.id);
      expect(lines(log, 'fired')).toHaveLength(5);
    });

    it('a StartTimer starts one process per tick with two workers', async () => {
      const ticks = async () => {
        const rows = await engine.database.db.selectFrom('flowlane_process').select('data').where('flow', '=', 'tick').execute();
        return rows.map((r) => (JSON.parse(r.data) as { tick: number }).tick);
      };
      const before = (await ticks()).length;
      await waitFor('four more ticks', async () => (await ticks()).length >= before + 4, 20_000);
      const all = await ticks();
      expect(new Set(all).size).toBe(all.length);
      for (const tick of all) expect(tick % 250).toBe(0);
    });
  });
}
