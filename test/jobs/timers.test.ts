import { expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, type Activation, type Engine, type TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { user } from '../support/engine.ts';
import { harness, manualClock, sleep, waitFor } from './support.ts';

const HOUR = 3_600_000;
const clerk = user('clerk');

/** Times each process passed the node after its timer, by database and process id. */
const fired = new Map<string, number>();
const countFiring = (a: Activation) => {
  const key = `${a.step.deps.repo.dialect} ${a.process.id}`;
  fired.set(key, (fired.get(key) ?? 0) + 1);
};

class WaitFlow extends Flow {
  start = flow.StartHandle().Next(self.wait);
  wait = flow.Timer('1h').Next(self.after);
  after = flow.Function(countFiring).Next(self.end);
  end = flow.End();
}

const Until = z.object({ until: z.number().default(0) });
class UntilFlow extends Flow<z.infer<typeof Until>> {
  static data = Until;
  start = flow.StartHandle().Next(self.wait);
  wait = flow.Timer((a: Activation<z.infer<typeof Until>>) => new Date(a.process.data.until)).Next(self.end);
  end = flow.End();
}

class EscalationFlow extends Flow {
  start = flow.StartHandle().Next(self.approve);
  approve = flow.View().OnTimeout('1h', self.escalate).Next(self.end);
  escalate = flow.Function(countFiring).Next(self.escalated);
  escalated = flow.End();
  end = flow.End();
}

class ReminderFlow extends Flow {
  start = flow.StartHandle().Next(self.approve);
  approve = flow.View().OnTimeout('1h', self.remind, { interrupting: false }).Next(self.end);
  remind = flow.Function(countFiring).Next(self.reminded);
  reminded = flow.End();
  end = flow.End();
}

const Tick = z.object({ tick: z.number().default(0) });
class TickFlow extends Flow<z.infer<typeof Tick>> {
  static data = Tick;
  tick = flow.StartTimer('1m', (at) => ({ tick: at.getTime() })).Next(self.end);
  end = flow.End();
}

/** The same label before and after its timer node was renamed in code. */
class RenamedBefore extends Flow {
  static label = 'renamed';
  start = flow.StartHandle().Next(self.old);
  old = flow.Timer('1h').Next(self.end);
  end = flow.End();
}
class RenamedAfter extends Flow {
  static label = 'renamed';
  start = flow.StartHandle().Next(self.renamed);
  renamed = flow.Timer('1h').Next(self.end);
  end = flow.End();
}

const FLOWS = [WaitFlow, UntilFlow, EscalationFlow, ReminderFlow];
const node = (tasks: TaskInfo[], name: string) => tasks.filter((t) => t.node === name);

await describeEachDatabase('timers', (db) => {
  const h = harness(db, FLOWS);
  const firings = (engine: Engine, processId: number) => fired.get(`${engine.database.dialect} ${processId}`) ?? 0;
  const finished = async (engine: Engine, processId: number) => {
    await waitFor(`process ${processId} to finish`, async () => (await engine.getProcess(processId)).status === 'DONE');
    return engine.getTasks(processId);
  };

  it('waits durably: the due time is on the task and the timer fires once after a restart', async () => {
    const clock = manualClock();
    const first = await h.engine({ now: clock.now });
    const worker = await h.worker(first);
    const process = await first.start(WaitFlow, 'start');
    const [wait] = node(await first.getTasks(process.id), 'wait');
    expect([wait!.taskType, wait!.status, wait!.scheduled]).toEqual(['TIMER', 'SCHEDULED', clock.now() + HOUR]);
    await sleep(60);
    expect((await first.getTask(wait!.id)).status).toBe('SCHEDULED');
    await worker.stop();

    clock.advance(5 * HOUR);
    const second = await h.engine({ now: clock.now });
    await h.worker(second);
    const tasks = await finished(second, process.id);
    expect(node(tasks, 'wait')[0]).toMatchObject({ status: 'DONE', scheduled: wait!.scheduled });
    expect(firings(second, process.id)).toBe(1);
  });

  it('takes the due time from a function of the activation', async () => {
    const clock = manualClock();
    const engine = await h.engine({ now: clock.now });
    await h.worker(engine);
    const until = clock.now() + 90_000;
    const process = await engine.start(UntilFlow, 'start', { data: { until } });
    expect(node(await engine.getTasks(process.id), 'wait')[0]!.scheduled).toBe(until);
    clock.advance(90_000);
    await finished(engine, process.id);
  });

  it('fires each timer once with two workers', async () => {
    const clock = manualClock();
    const engines = await h.engines(2, { now: clock.now });
    for (const engine of engines) await h.worker(engine);
    const processes = await Promise.all(Array.from({ length: 12 }, () => engines[0]!.start(WaitFlow, 'start')));
    clock.advance(HOUR);
    for (const process of processes) {
      const tasks = await finished(engines[1]!, process.id);
      expect(node(tasks, 'after')).toHaveLength(1);
      expect(firings(engines[1]!, process.id)).toBe(1);
    }
  });

  it('never fires the timer of a canceled process', async () => {
    const clock = manualClock();
    const engine = await h.engine({ now: clock.now });
    await h.worker(engine);
    const canceled = await engine.start(WaitFlow, 'start');
    await engine.cancelProcess(canceled.id);
    const other = await engine.start(WaitFlow, 'start');
    clock.advance(HOUR);
    await finished(engine, other.id);
    await sleep(60);
    const tasks = await engine.getTasks(canceled.id);
    expect(tasks.map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['wait', 'CANCELED'],
    ]);
    expect(firings(engine, canceled.id)).toBe(0);
  });

  it('skips a due timer whose node was removed from the flow, with a warning, and fires the others', async () => {
    const clock = manualClock();
    const before = await h.engine({ now: clock.now, flows: [RenamedBefore] });
    const orphan = await before.start(RenamedBefore, 'start');
    const [old] = node(await before.getTasks(orphan.id), 'old');
    const after = await h.engine({ now: clock.now, flows: [RenamedAfter] });
    await h.worker(after);
    const current = await after.start(RenamedAfter, 'start');
    clock.advance(HOUR);
    await finished(after, current.id);
    await waitFor('the warning', () => h.logger.lines.find((l) => l.includes(`task ${old!.id} (renamed.old) is due`)));
    expect((await after.getTask(old!.id)).status).toBe('SCHEDULED');
  });

  it('OnTimeout interrupting: cancels the open task and takes the timeout path; a task done in time does not time out', async () => {
    const clock = manualClock();
    const engine = await h.engine({ now: clock.now });
    await h.worker(engine);
    const late = await engine.start(EscalationFlow, 'start');
    const [open] = node(await engine.getTasks(late.id), 'approve');
    expect(open!.scheduled).toBe(clock.now() + HOUR);
    await engine.assign(open!.id, { user: clerk });
    const onTime = await engine.start(EscalationFlow, 'start');
    const [prompt] = node(await engine.getTasks(onTime.id), 'approve');
    await engine.assign(prompt!.id, { user: clerk });
    await engine.execute(prompt!.id, { user: clerk });

    clock.advance(HOUR);
    const tasks = await finished(engine, late.id);
    expect(tasks.map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['approve', 'CANCELED'],
      ['escalate', 'DONE'],
      ['escalated', 'DONE'],
    ]);
    expect(node(tasks, 'approve')[0]!.data.timedOut).toBe(open!.scheduled);
    expect(node(tasks, 'escalate')[0]!.previous).toEqual([open!.id]);
    await sleep(60);
    expect(node(await engine.getTasks(onTime.id), 'escalate')).toEqual([]);
    expect(firings(engine, late.id)).toBe(1);
  });

  it('OnTimeout not interrupting: the timeout path runs beside the still-open task, once', async () => {
    const clock = manualClock();
    const engine = await h.engine({ now: clock.now });
    await h.worker(engine);
    const process = await engine.start(ReminderFlow, 'start');
    const [approve] = node(await engine.getTasks(process.id), 'approve');
    clock.advance(HOUR);
    await waitFor('the reminder', async () => node(await engine.getTasks(process.id), 'reminded')[0]);
    clock.advance(HOUR);
    await sleep(60);
    const open = await engine.getTask(approve!.id);
    expect([open.status, open.scheduled, open.data.timedOut]).toEqual(['NEW', null, approve!.scheduled]);
    expect((await engine.getProcess(process.id)).status).toBe('NEW');
    expect(firings(engine, process.id)).toBe(1);

    await engine.assign(approve!.id, { user: clerk });
    await engine.execute(approve!.id, { user: clerk });
    const tasks = await engine.getTasks(process.id);
    expect(tasks.map((t) => t.node)).toEqual(['start', 'approve', 'remind', 'reminded', 'end']);
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('fires a timer created in this process at its due time, not at the next poll', async () => {
    const engine = await h.engine({ flows: [UntilFlow] });
    await h.worker(engine, { pollInterval: 60_000 });
    await sleep(50); // past the first poll
    const process = await engine.start(UntilFlow, 'start', { data: { until: Date.now() + 100 } });
    await waitFor('the timer', async () => (await engine.getProcess(process.id)).status === 'DONE', 2_000);
  });
});

await describeEachDatabase('start timers', (db) => {
  const h = harness(db, [TickFlow]);

  it('starts one process per tick however many workers run, and one after a long downtime', async () => {
    const clock = manualClock();
    const engines = await h.engines(2, { now: clock.now });
    const workers = [await h.worker(engines[0]!), await h.worker(engines[1]!)];
    const ticks = async () => {
      const rows = await engines[0]!.database.db.selectFrom('flowlane_process').select('data').where('flow', '=', 'tick').execute();
      return rows.map((r) => (JSON.parse(r.data) as { tick: number }).tick).sort();
    };
    await waitFor('the first due time', () => engines[0]!.database.db.selectFrom('flowlane_schedule').selectAll().executeTakeFirst());
    const start = clock.now();
    for (const n of [1, 2, 3]) {
      clock.advance(60_000);
      await waitFor(`tick ${n}`, async () => (await ticks()).length === n);
    }
    await sleep(60);
    expect(await ticks()).toEqual([start + 60_000, start + 120_000, start + 180_000]);

    for (const worker of workers) await worker.stop();
    clock.advance(10 * 60_000);
    await h.worker(engines[0]!);
    await h.worker(engines[1]!);
    await waitFor('the overdue tick', async () => (await ticks()).length === 4);
    await sleep(60);
    expect((await ticks())[3]).toBe(start + 240_000);
    expect(await ticks()).toHaveLength(4);
  });
});
