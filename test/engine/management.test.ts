import { afterEach, beforeEach, expect, it } from 'vitest';
import { Flow, flow, self, TransitionError, PermissionDeniedError, NotFoundError, type Engine, type EngineEvents, type TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { ApprovalFlow, FailingFlow, HandleFlow } from './flows.ts';

const manager = user('mia', { permissions: ['approval.manage', 'handle.manage', 'failing.manage', 'cleanup.manage'] });
const approver = user('ann', { permissions: ['approval.approve'] });
const nobody = user('nobody');

const find = (tasks: TaskInfo[], node: string) => tasks.filter((t) => t.node === node);

await describeEachDatabase('cancel, undo, revive, errors', (db) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await engineOn(db.url, [ApprovalFlow, HandleFlow, FailingFlow]);
  });
  afterEach(async () => {
    await engine.close();
  });

  async function waitingApproval() {
    const process = await engine.start(ApprovalFlow, 'start', { data: { text: 'x' } });
    return { process, task: find(await engine.getTasks(process.id), 'approve')[0]! };
  }

  it('cancels a process: every active task, finish time set, done tasks kept', async () => {
    const { process, task } = await waitingApproval();
    const canceled = await engine.cancelProcess(process.id, { user: manager });
    expect(canceled.status).toBe('CANCELED');
    expect(canceled.finished).not.toBeNull();
    const tasks = await engine.getTasks(process.id);
    expect(tasks.map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['approve', 'CANCELED'],
    ]);
    await expect(engine.assign(task.id, { user: approver })).rejects.toThrow(`process ${process.id} is CANCELED`);
    await expect(engine.cancelProcess(process.id, { user: manager })).rejects.toThrow('it is CANCELED');
  });

  it('cancels a process all or nothing, naming the task that cannot be canceled', async () => {
    const { process, task } = await waitingApproval();
    await engine.assign(task.id, { user: approver });
    await engine.startTask(task.id, { user: approver });
    await expect(engine.cancelProcess(process.id, { user: manager })).rejects.toThrow(
      `Cannot cancel process ${process.id}: task ${task.id} (approve) is STARTED; nothing was canceled`,
    );
    expect((await engine.getProcess(process.id)).status).toBe('NEW');
    expect((await engine.getTask(task.id)).status).toBe('STARTED');
  });

  it('undoes a human task only after what it led to is canceled, running the undo hook', async () => {
    const waiting = await waitingApproval();
    const [start] = find(await engine.getTasks(waiting.process.id), 'start');
    await expect(engine.undo(start!.id, { user: manager })).rejects.toThrow(
      `it led to task ${waiting.task.id} (approve, NEW); cancel those first`,
    );

    const approval = await waitingApproval();
    await engine.assign(approval.task.id, { user: approver });
    await engine.execute(approval.task.id, { user: approver, data: { approved: false } });
    const tasks = await engine.getTasks(approval.process.id);
    const [check] = find(tasks, 'check');
    const [end] = find(tasks, 'end');
    expect((await engine.getProcess(approval.process.id)).status).toBe('DONE');

    // Undo walks back from the end: End reopens the process.
    await expect(engine.undo(end!.id, { user: approver })).rejects.toThrow(PermissionDeniedError);
    await engine.undo(end!.id, { user: manager });
    expect((await engine.getProcess(approval.process.id)).status).toBe('NEW');
    await engine.undo(check!.id, { user: manager });
    await engine.undo(approval.task.id, { user: manager });
    const after = await engine.getProcess(approval.process.id);
    expect(after.data.undone).toBe(1);
    expect((await engine.getTask(approval.task.id)).status).toBe('CANCELED');
  });

  it('undoing the start cancels the process', async () => {
    const { process, task } = await waitingApproval();
    await engine.cancelTask(task.id, { user: manager });
    const [start] = find(await engine.getTasks(process.id), 'start');
    await engine.undo(start!.id, { user: manager });
    expect((await engine.getProcess(process.id)).status).toBe('CANCELED');
  });

  it('revives a canceled task: a new task with the old token continues the flow', async () => {
    const { process, task } = await waitingApproval();
    await engine.cancelTask(task.id, { user: manager });
    await engine.revive(task.id, { user: manager });
    await expect(engine.revive(task.id, { user: manager })).rejects.toThrow(TransitionError);
    const tasks = await engine.getTasks(process.id);
    const approvals = find(tasks, 'approve');
    expect(approvals.map((t) => t.status)).toEqual(['REVIVED', 'NEW']);
    expect(approvals[1]!.token).toBe(approvals[0]!.token);
    expect(approvals[1]!.previous).toEqual([find(tasks, 'start')[0]!.id, task.id]);
    await engine.assign(approvals[1]!.id, { user: approver });
    await engine.execute(approvals[1]!.id, { user: approver, data: { approved: true } });
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('propagates an error in user code from a sync call and rolls the whole step back', async () => {
    const tasksBefore = await engine.database.db.selectFrom('flowlane_task').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await expect(engine.start(FailingFlow, 'start', { data: { fail: true } })).rejects.toThrow('start refused');
    const tasksAfter = await engine.database.db.selectFrom('flowlane_task').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(tasksAfter.n)).toBe(Number(tasksBefore.n));

    const process = await engine.start(FailingFlow, 'start');
    const [wait] = find(await engine.getTasks(process.id), 'wait');
    await engine.database.db.updateTable('flowlane_process').set({ data: JSON.stringify({ fail: true, touched: false }) }).where('id', '=', process.id).execute();
    await expect(engine.runHandle(wait!.id)).rejects.toThrow('boom in risky');
    expect((await engine.getTask(wait!.id)).status).toBe('NEW');
    expect(find(await engine.getTasks(process.id), 'risky')).toEqual([]);
  });

  it('in a background step a failing node ends in ERROR with message and stack; it can be revived or canceled', async () => {
    const failed: EngineEvents['task.failed'][] = [];
    engine.on('task.failed', (e) => {
      failed.push(e);
    });
    const process = await engine.start(FailingFlow, 'start');
    const [wait] = find(await engine.getTasks(process.id), 'wait');
    await engine.database.db.updateTable('flowlane_process').set({ data: JSON.stringify({ fail: true, touched: false }) }).where('id', '=', process.id).execute();
    await engine.withTask(wait!.id, { mode: 'background' }, (ctx) => ctx.perform('run'));

    let tasks = await engine.getTasks(process.id);
    const [risky] = find(tasks, 'risky');
    expect(find(tasks, 'wait')[0]!.status).toBe('DONE');
    expect(risky!.status).toBe('ERROR');
    expect(risky!.data.error).toMatchObject({ message: 'boom in risky' });
    expect(String((risky!.data.error as { stack: string }).stack)).toContain('explode');
    // The node's own writes were undone; the process is not DONE while a task is in ERROR.
    const stuck = await engine.getProcess(process.id);
    expect(stuck.data.touched).toBe(false);
    expect(stuck.status).toBe('NEW');
    expect(failed.map((e) => e.task.id)).toEqual([risky!.id]);

    await engine.database.db.updateTable('flowlane_process').set({ data: JSON.stringify({ fail: false, touched: false }) }).where('id', '=', process.id).execute();
    await engine.revive(risky!.id, { user: manager });
    tasks = await engine.getTasks(process.id);
    expect(find(tasks, 'risky').map((t) => t.status)).toEqual(['REVIVED', 'DONE']);
    expect(find(tasks, 'risky')[1]!.data.error).toBeUndefined();
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });

  it('a task stuck in ERROR can always be canceled', async () => {
    const process = await engine.start(FailingFlow, 'start');
    const [wait] = find(await engine.getTasks(process.id), 'wait');
    await engine.database.db.updateTable('flowlane_process').set({ data: JSON.stringify({ fail: true, touched: false }) }).where('id', '=', process.id).execute();
    await engine.withTask(wait!.id, { mode: 'background' }, (ctx) => ctx.perform('run'));
    await engine.cancelProcess(process.id, { user: manager });
    const tasks = await engine.getTasks(process.id);
    expect(find(tasks, 'risky')[0]!.status).toBe('CANCELED');
  });

  it('emits typed events after commit, and none for a rolled-back step', async () => {
    const seen: string[] = [];
    for (const name of ['process.started', 'process.finished', 'task.created', 'task.assigned', 'task.started', 'task.finished', 'task.canceled'] as const) {
      engine.on(name, (payload) => {
        seen.push(`${name}:${'task' in payload ? payload.task.node : payload.process.status}`);
      });
    }
    await engine.start(FailingFlow, 'start', { data: { fail: true } }).catch(() => undefined);
    expect(seen).toEqual([]);
    const { task } = await waitingApproval();
    await engine.assign(task.id, { user: approver });
    await engine.execute(task.id, { user: approver, data: { approved: false } });
    expect(seen).toEqual([
      'process.started:NEW',
      'task.created:start',
      'task.finished:start',
      'task.created:approve',
      'task.assigned:approve',
      'task.started:approve',
      'task.finished:approve',
      'task.created:check',
      'task.finished:check',
      'task.created:end',
      'task.finished:end',
      'process.finished:DONE',
    ]);
  });

  it('a listener that throws does not undo the step', async () => {
    const errors: unknown[] = [];
    await engine.close();
    engine = await engineOn(db.url, [ApprovalFlow], { logger: { warn: () => undefined, error: (...a: unknown[]) => errors.push(a) } });
    engine.on('process.started', () => {
      throw new Error('listener broke');
    });
    const process = await engine.start(ApprovalFlow, 'start');
    expect((await engine.getProcess(process.id)).status).toBe('NEW');
    expect(errors.length).toBe(1);
  });

  it('refuses management actions to users without manage permission', async () => {
    const { task } = await waitingApproval();
    await expect(engine.cancelTask(task.id, { user: nobody })).rejects.toThrow(PermissionDeniedError);
    await engine.cancelTask(task.id, { user: manager });
    await expect(engine.revive(task.id, { user: nobody })).rejects.toThrow(PermissionDeniedError);
  });
});

/** Version 1 of a flow, and version 2 where node "review" was removed and "check" renamed "verify". */
class CleanupV1 extends Flow {
  static label = 'cleanup';
  start = flow.StartHandle().Next(self.review);
  review = flow.Handle().Next(self.check);
  check = flow.Handle().Next(self.end);
  end = flow.End();
}
class CleanupV2 extends Flow {
  static label = 'cleanup';
  start = flow.StartHandle().Next(self.verify);
  verify = flow.Handle().Next(self.end);
  end = flow.End();
}

await describeEachDatabase('flow migration', (db) => {
  it('loads tasks of a removed node as Obsolete; a manager can cancel them; rename moves stored tasks', async () => {
    const v1 = await engineOn(db.url, [CleanupV1]);
    const first = await v1.start(CleanupV1, 'start');
    const second = await v1.start(CleanupV1, 'start');
    const [review] = find(await v1.getTasks(second.id), 'review');
    await v1.runHandle(review!.id);
    await v1.close();

    const v2 = await engineOn(db.url, [CleanupV2]);
    try {
      const [stale] = await v2.getTasks(first.id).then((t) => find(t, 'review'));
      expect(v2.flow('cleanup').node('review').kind).toBe('obsolete');
      expect(await v2.available(stale!.id, manager)).toEqual(['cancel']);
      await expect(v2.runHandle(stale!.id)).rejects.toThrow(TransitionError);
      await expect(v2.cancelTask(stale!.id, { user: nobody })).rejects.toThrow(PermissionDeniedError);
      await v2.cancelTask(stale!.id, { user: manager });
      expect((await v2.getTask(stale!.id)).status).toBe('CANCELED');

      await expect(v2.renameNode(CleanupV2, 'check', 'missing')).rejects.toThrow(NotFoundError);
      expect(await v2.renameNode(CleanupV2, 'check', 'verify')).toBe(1);
      const [verify] = find(await v2.getTasks(second.id), 'verify');
      await v2.runHandle(verify!.id);
      expect((await v2.getProcess(second.id)).status).toBe('DONE');
    } finally {
      await v2.close();
    }
  });
});
