/**
 * Custom task views, as a function and as a class, behind the wrapper:
 * what they see on GET and POST, and that a POST runs in one step that
 * commits everything or nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, Flow, flow, self, type Engine, type FlowUser } from '../../../src/index.ts';
import { flashMessages } from '../../../src/web/flash.ts';
import { workflowViewset } from '../../../src/web/viewset/index.ts';
import { requireAction } from '../../../src/web/task-view/index.ts';
import { readerOf } from '../../../src/web/lookup.ts';
import { views } from '../../../src/web/views/index.ts';
import type { TaskEnv } from '../../../src/web/env.ts';
import type { AuthEnv } from '../../../src/web/auth/env.ts';

/** A function view: shows the note on GET; on POST appends to it and completes the task. */
async function noteView(c: Context<TaskEnv>): Promise<Response> {
  const { process, actions } = c.var.flowTask;
  if (c.req.method === 'GET') return c.text(`note=${process.data.note}; actions=${actions.join(',')}; inStep=${c.var.activation !== undefined}`);
  requireAction(c, 'execute');
  const body = await c.req.parseBody();
  c.var.activation!.process.data.note = `${process.data.note} ${body.more}`;
  await c.var.taskContext!.perform('execute');
  if (body.fail) throw new Error('the view failed after executing');
  // Reads inside the step go through its transaction (SQLite has one connection).
  const tasks = await readerOf(c).selectFrom('flowlane_task').select('id').where('process_id', '=', process.id).execute();
  return c.text(`tasks=${tasks.length}`);
}

/** A class view: one handler per method. */
class ConfirmView {
  get(c: Context<TaskEnv>) {
    return c.text(`confirm ${c.var.flowTask.task.id}`);
  }
  async post(c: Context<TaskEnv>) {
    await c.var.taskContext!.perform('execute');
    return c.redirect('/done', 303);
  }
}

class NotesFlow extends Flow<{ note: string }> {
  static data = z.object({ note: z.string() });
  start = flow.Start(views.createProcess({ fields: ['note'] })).Next(self.write);
  write = flow.View(noteView).Next(self.confirm);
  confirm = flow.View(ConfirmView).Next(self.end);
  end = flow.End();
}

const alice: FlowUser = { id: 1, username: 'alice', isSuperuser: false, permissions: new Set(), groups: new Set() };
const bob: FlowUser = { id: 2, username: 'bob', isSuperuser: false, permissions: new Set(), groups: new Set() };

let engine: Engine;
const logged: unknown[][] = [];
let dir: string;
let app: Hono<AuthEnv>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowlane-task-view-'));
  engine = await createEngine({ database: `sqlite:${join(dir, 'db.sqlite')}`, flows: [NotesFlow], logger: { warn: () => {}, error: (...args) => logged.push(args) } });
  app = new Hono<AuthEnv>({ strict: false });
  app.use(flashMessages({ secret: 'task view test secret, thirty-two chars' }));
  // Stands in for the auth middleware: the user named by a header.
  app.use(async (c, next) => {
    c.set('user', c.req.header('x-user') === 'bob' ? bob : alice);
    c.set('session', null);
    c.set('csrfToken', 'token');
    await next();
  });
  app.route('/', workflowViewset({ engine, users: { names: async () => new Map(), byUsername: async () => null } }));
});

afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function taskOf(processId: number, node: string) {
  return (await engine.getTasks(processId)).find((t) => t.node === node && t.status !== 'DONE')!;
}

const post = (path: string, fields: Record<string, string>, user = 'alice') =>
  app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'x-user': user } });

describe('custom views', () => {
  it('a function view sees the task on GET, outside any step', async () => {
    const process = await engine.start(NotesFlow, 'start', { data: { note: 'hi' }, user: alice });
    const write = await taskOf(process.id, 'write');
    await engine.assign(write.id, { user: alice });
    const response = await app.request(`/workflow/notes/${process.id}/write/${write.id}/execute`);
    expect(await response.text()).toBe('note=hi; actions=execute,unassign; inStep=false');
  });

  it('a POST runs inside the step: the view writes data through the activation and completes the task', async () => {
    const process = await engine.start(NotesFlow, 'start', { data: { note: 'hi' }, user: alice });
    const write = await taskOf(process.id, 'write');
    await engine.assign(write.id, { user: alice });
    const response = await post(`/workflow/notes/${process.id}/write/${write.id}/execute`, { more: 'there' });
    expect(await response.text()).toBe('tasks=2'); // the step's own tasks, before the next one is created
    expect((await engine.getProcess(process.id)).data).toEqual({ note: 'hi there' });
    expect((await engine.getTask(write.id)).status).toBe('DONE');
  });

  it('a view that throws after acting leaves nothing behind', async () => {
    const process = await engine.start(NotesFlow, 'start', { data: { note: 'hi' }, user: alice });
    const write = await taskOf(process.id, 'write');
    await engine.assign(write.id, { user: alice });
    const response = await post(`/workflow/notes/${process.id}/write/${write.id}/execute`, { more: 'x', fail: '1' });
    expect(response.status).toBe(500);
    expect(String(logged.at(-1)?.[1])).toContain('the view failed after executing');
    expect((await engine.getProcess(process.id)).data).toEqual({ note: 'hi' });
    expect((await engine.getTask(write.id)).status).toBe('ASSIGNED');
  });

  it('refuses another user before the view runs', async () => {
    const process = await engine.start(NotesFlow, 'start', { data: { note: 'hi' }, user: alice });
    const write = await taskOf(process.id, 'write');
    await engine.assign(write.id, { user: alice });
    const response = await post(`/workflow/notes/${process.id}/write/${write.id}/execute`, { more: 'x' }, 'bob');
    expect(response.status).toBe(403);
    expect((await engine.getProcess(process.id)).data).toEqual({ note: 'hi' });
  });

  it('a class view gets one handler per method; other methods are 405', async () => {
    const process = await engine.start(NotesFlow, 'start', { data: { note: 'hi' }, user: alice });
    const write = await taskOf(process.id, 'write');
    await engine.assign(write.id, { user: alice });
    await engine.execute(write.id, { user: alice });
    const confirm = await taskOf(process.id, 'confirm');
    await engine.assign(confirm.id, { user: alice });
    const url = `/workflow/notes/${process.id}/confirm/${confirm.id}/execute`;
    expect(await (await app.request(url)).text()).toBe(`confirm ${confirm.id}`);
    expect((await post(url, {})).headers.get('location')).toBe('/done');
    expect((await engine.getProcess(process.id)).status).toBe('DONE');
  });
});
