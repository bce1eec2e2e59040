import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  DataValidationError,
  NotFoundError,
  PermissionDeniedError,
  TransitionError,
  type Engine,
  type TaskInfo,
} from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { ApprovalFlow, PermissionsFlow } from './flows.ts';

const approver = user('ann', { permissions: ['approval.approve'] });
const other = user('bob', { permissions: ['approval.approve'] });
const stranger = user('carl');
const manager = user('mia', { permissions: ['approval.manage'] });

const byNode = (tasks: TaskInfo[], node: string) => tasks.filter((t) => t.node === node);

await describeEachDatabase('human tasks', (db) => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await engineOn(db.url, [ApprovalFlow, PermissionsFlow]);
  });
  afterEach(async () => {
    await engine.close();
  });

  async function approvalTask() {
    const process = await engine.start(ApprovalFlow, 'start', { data: { text: 'hi' } });
    const [task] = byNode(await engine.getTasks(process.id), 'approve');
    return { process, task: task! };
  }

  it('walks NEW → ASSIGNED → STARTED → DONE and finishes the process', async () => {
    const { process, task } = await approvalTask();
    expect(task.status).toBe('NEW');
    expect(task.ownerPermission).toBe('approval.approve');
    expect((await engine.assign(task.id, { user: approver })).status).toBe('ASSIGNED');
    expect((await engine.startTask(task.id, { user: approver })).status).toBe('STARTED');
    await engine.execute(task.id, { user: approver, data: { approved: true } });

    const tasks = await engine.getTasks(process.id);
    expect(tasks.map((t) => [t.node, t.status])).toEqual([
      ['start', 'DONE'],
      ['approve', 'DONE'],
      ['check', 'DONE'],
      ['send', 'DONE'],
      ['end', 'DONE'],
    ]);
    expect(byNode(tasks, 'approve')[0]!.ownerId).toBe(approver.id);
    expect(byNode(tasks, 'check')[0]!.previous).toEqual([task.id]);
    const finished = await engine.getProcess(process.id);
    expect(finished.status).toBe('DONE');
    expect(finished.finished).not.toBeNull();
    expect(finished.data).toMatchObject({ text: 'hi', approved: true, count: 1 });
  });

  it('takes the Else path when not approved', async () => {
    const { process, task } = await approvalTask();
    await engine.assign(task.id, { user: approver });
    await engine.execute(task.id, { user: approver, data: { approved: false } });
    const tasks = await engine.getTasks(process.id);
    expect(tasks.map((t) => t.node)).toEqual(['start', 'approve', 'check', 'end']);
    expect((await engine.getProcess(process.id)).data.count).toBe(0);
  });

  it('executes an ASSIGNED task directly, starting it on the way', async () => {
    const { task } = await approvalTask();
    await engine.assign(task.id, { user: approver });
    const done = await engine.execute(task.id, { user: approver, data: { approved: true } });
    expect(done.status).toBe('DONE');
    expect(done.started).not.toBeNull();
  });

  it('refuses every transition that is not allowed now, changing nothing', async () => {
    const { process, task } = await approvalTask();
    const before = await engine.getTasks(process.id);
    await expect(engine.execute(task.id, { user: approver })).rejects.toThrow(TransitionError);
    await expect(engine.startTask(task.id, { user: approver })).rejects.toThrow(
      `Cannot start task ${task.id}: task ${task.id} (approve) is NEW; only an ASSIGNED task can be started`,
    );
    await expect(engine.unassign(task.id, { user: approver })).rejects.toThrow(TransitionError);
    await expect(engine.undo(task.id, { user: manager })).rejects.toThrow('only a DONE task can be undone');
    await expect(engine.revive(task.id, { user: manager })).rejects.toThrow('only a CANCELED or ERROR task can be revived');
    await expect(engine.runHandle(task.id)).rejects.toThrow('a view task cannot be run from code');
    expect(await engine.getTasks(process.id)).toEqual(before);

    await engine.assign(task.id, { user: approver });
    await expect(engine.assign(task.id, { user: other })).rejects.toThrow('only a NEW task can be assigned');
    await engine.execute(task.id, { user: approver, data: { approved: false } });
    await expect(engine.execute(task.id, { user: approver })).rejects.toThrow(
      `Cannot execute task ${task.id}: process ${process.id} is DONE`,
    );
  });

  it('refuses executing a finished task twice while the process runs on', async () => {
    const process = await engine.start(PermissionsFlow, 'start', { user: user('admin', { superuser: true }) });
    const task = byNode(await engine.getTasks(process.id), 'byCodename')[0]!;
    const boss = user('boss', { superuser: true });
    await engine.assign(task.id, { user: boss });
    await engine.execute(task.id, { user: boss });
    await expect(engine.execute(task.id, { user: boss })).rejects.toThrow(
      `task ${task.id} (byCodename) is DONE; only an ASSIGNED or STARTED task can be executed`,
    );
  });

  it('refuses actions to users without the permission, changing nothing', async () => {
    const { process, task } = await approvalTask();
    await expect(engine.assign(task.id, { user: stranger })).rejects.toThrow(PermissionDeniedError);
    await engine.assign(task.id, { user: approver });
    await expect(engine.execute(task.id, { user: other })).rejects.toThrow(`only the owner of task ${task.id} may execute it`);
    await expect(engine.startTask(task.id, { user: other })).rejects.toThrow(PermissionDeniedError);
    await expect(engine.unassign(task.id, { user: other })).rejects.toThrow('only the owner or a manager may unassign');
    await expect(engine.reassign(task.id, { user: other, to: other.id })).rejects.toThrow('reassign needs the approval.manage permission');
    await expect(engine.cancelTask(task.id, { user: approver })).rejects.toThrow('cancel needs the approval.manage permission');
    await expect(engine.cancelProcess(process.id, { user: approver })).rejects.toThrow(PermissionDeniedError);
    expect((await engine.getTask(task.id)).ownerId).toBe(approver.id);
  });

  it('lets the owner or a manager unassign, and a manager reassign', async () => {
    const { task } = await approvalTask();
    await engine.assign(task.id, { user: approver });
    const back = await engine.unassign(task.id, { user: approver });
    expect([back.status, back.ownerId]).toEqual(['NEW', null]);
    await engine.assign(task.id, { user: other });
    expect((await engine.unassign(task.id, { user: manager })).status).toBe('NEW');
    await engine.assign(task.id, { user: approver });
    const moved = await engine.reassign(task.id, { user: manager, to: other.id });
    expect([moved.status, moved.ownerId]).toEqual(['ASSIGNED', other.id]);
  });

  it('validates data on every write and names the field', async () => {
    await expect(engine.start(ApprovalFlow, 'start', { data: { text: 'x'.repeat(51) } })).rejects.toThrow(
      'Invalid data for flow approval, new process: text: Too big: expected string to have <=50 characters',
    );
    const { process, task } = await approvalTask();
    await engine.assign(task.id, { user: approver });
    const failure = await engine.execute(task.id, { user: approver, data: { approved: 'yes' } }).catch((e) => e);
    expect(failure).toBeInstanceOf(DataValidationError);
    expect(failure.issues[0].path).toBe('approved');
    expect((await engine.getTask(task.id)).status).toBe('ASSIGNED');
    expect((await engine.getProcess(process.id)).data.approved).toBe(false);
  });

  it('reports unknown ids as NotFoundError', async () => {
    await expect(engine.assign(987654321, { user: approver })).rejects.toThrow(NotFoundError);
    await expect(engine.getProcess(987654321)).rejects.toThrow('Process 987654321 does not exist');
    await expect(engine.cancelProcess(987654321, { user: manager })).rejects.toThrow(NotFoundError);
    await expect(engine.getTask(987654321)).rejects.toThrow('Task 987654321 does not exist');
    await expect(engine.start(ApprovalFlow, 'approve' as never)).rejects.toThrow('Flow approval has no start node "approve"');
  });

  it('lists the actions available to a user', async () => {
    const { task } = await approvalTask();
    expect(await engine.available(task.id, approver)).toEqual(['assign']);
    expect(await engine.available(task.id, stranger)).toEqual([]);
    expect(await engine.available(task.id, manager)).toEqual(['assign', 'cancel']);
    await engine.assign(task.id, { user: approver });
    expect(await engine.available(task.id, approver)).toEqual(['unassign', 'start', 'execute']);
  });

  it('decides who may take a task by codename, auto-created codename, group or function', async () => {
    const starter = user('sam', { permissions: ['permissions.can_start'] });
    await expect(engine.start(PermissionsFlow, 'start', { user: stranger })).rejects.toThrow(PermissionDeniedError);
    const process = await engine.start(PermissionsFlow, 'start', { user: starter });
    const tasks = await engine.getTasks(process.id);
    const task = (node: string) => byNode(tasks, node)[0]!;

    expect(task('start').ownerId).toBe(starter.id);
    expect(task('byCodename').ownerPermission).toBe('permissions.can_byCodename');
    await expect(engine.assign(task('byCodename').id, { user: stranger })).rejects.toThrow(PermissionDeniedError);
    await engine.assign(task('byCodename').id, { user: user('c', { permissions: ['permissions.can_byCodename'] }) });

    expect(task('byGroup').ownerPermission).toBe('groups:clerks,managers');
    await expect(engine.assign(task('byGroup').id, { user: user('d', { groups: ['sales'] }) })).rejects.toThrow(PermissionDeniedError);
    await engine.assign(task('byGroup').id, { user: user('e', { groups: ['managers'] }) });

    await expect(engine.assign(task('byFunction').id, { user: user('zed') })).rejects.toThrow(PermissionDeniedError);
    await engine.assign(task('byFunction').id, { user: user('alice') });

    expect([task('assigned').status, task('assigned').ownerId]).toEqual(['ASSIGNED', starter.id]);
  });
});

await describeEachDatabase('task scope', (db) => {
  it('reports a task outside the expected flow, process or node as not found, changing nothing', async () => {
    const engine = await engineOn(db.url, [ApprovalFlow]);
    try {
      const one = await engine.start(ApprovalFlow, 'start');
      const two = await engine.start(ApprovalFlow, 'start');
      const [task] = (await engine.getTasks(one.id)).filter((t) => t.node === 'approve');
      const assign = (scope: object) => engine.withTask(task!.id, { user: approver, scope }, (ctx) => ctx.perform('assign'));
      await expect(assign({ processId: two.id })).rejects.toThrow(`Task ${task!.id} does not exist in process ${two.id}`);
      await expect(assign({ flow: 'other' })).rejects.toThrow(NotFoundError);
      await expect(assign({ node: 'start' })).rejects.toThrow(NotFoundError);
      expect((await engine.getTask(task!.id)).status).toBe('NEW');
      await assign({ flow: 'approval', processId: one.id, node: 'approve' });
      expect((await engine.getTask(task!.id)).status).toBe('ASSIGNED');
    } finally {
      await engine.close();
    }
  });
});
