/**
 * createWebApp inside an application: its permissions exist after start,
 * it lives under the chosen mount, it leaves the application's own routes
 * alone, and templates can be replaced per flow and per node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { z } from 'zod';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, Flow, flow, self, type Engine } from '../../src/index.ts';
import { createWebApp, createUser, views, type FormPageProps, type TaskPageProps } from '../../src/web/index.ts';
import { HelloWorldFlow } from '../../examples/helloworld.ts';
import { startServer, type RunningServer } from './auth/harness.ts';
import { Client } from './support/demo.ts';

const Plain = (props: FormPageProps) => <p>custom form of {props.node.name} with {props.fields.length} field(s)</p>;
const TaskCard = (props: TaskPageProps) => <p>custom task page of #{props.task.id}</p>;

class NoteFlow extends Flow<{ note: string }> {
  static label = 'note';
  static data = z.object({ note: z.string().max(20) });
  start = flow.Start(views.createProcess({ fields: ['note'], template: Plain })).Next(self.read);
  read = flow.View(views.updateProcess({ fields: [] })).Next(self.end);
  end = flow.End();
}

/** A flow whose start view has a bug. */
class BoomFlow extends Flow<Record<string, never>> {
  static label = 'boom';
  start = flow
    .Start(() => {
      throw new Error('secret internals of the bug');
    })
    .Next(self.end);
  end = flow.End();
}

const logged: unknown[][] = [];

let dir: string;
let engine: Engine;
let server: RunningServer;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowlane-app-'));
  engine = await createEngine({
    database: `sqlite:${join(dir, 'app.db')}`,
    flows: [HelloWorldFlow, NoteFlow, BoomFlow],
    logger: { warn: () => {}, error: (...args: unknown[]) => void logged.push(args) },
  });
  const site = new Hono();
  site.post('/api/ping', (c) => c.text('pong')); // the application's own route, without CSRF
  site.route('/', await createWebApp({ engine, mount: '/flows', flows: [HelloWorldFlow, { flow: NoteFlow, templates: { task: TaskCard } }, BoomFlow], secret: 'app test secret, thirty-two characters!' }));
  server = await startServer(site);
  await createUser(engine.database.db, { username: 'root', password: 'root-password', isSuperuser: true });
  client = new Client(server.origin);
  await client.login('root', 'root-password');
  client.csrf = await client.csrfFrom('/flows/inbox');
});

afterAll(async () => {
  await server?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createWebApp', () => {
  it('creates the flow and auto-created node permissions at start', async () => {
    const rows = await engine.database.db.selectFrom('flowlane_permission').select('codename').execute();
    expect(rows.map((r) => r.codename)).toEqual(
      expect.arrayContaining(['helloworld.view', 'helloworld.manage', 'helloworld.can_start', 'helloworld.can_approve', 'note.view']),
    );
  });

  it('serves under its mount and leaves the application’s routes alone', async () => {
    expect((await client.get('/flows/helloworld')).status).toBe(200);
    expect((await client.get('/workflow/helloworld')).status).toBe(404);
    expect(await (await client.post('/api/ping', {})).text()).toBe('pong');
  });

  it('uses a node’s own template and a flow’s task template', async () => {
    expect((await client.html('/flows/note/start')).html).toBe('<p>custom form of start with 1 field(s)</p>');
    const started = await client.postForm('/flows/note/start', { note: 'hi' });
    expect(started.status).toBe(303);
    const processId = Number(/note\/(\d+)\/next/.exec(started.headers.get('location')!)![1]);
    const read = (await engine.getTasks(processId)).find((t) => t.node === 'read')!;
    expect((await client.html(`/flows/note/${processId}/read/${read.id}`)).html).toBe(`<p>custom task page of #${read.id}</p>`);
  });

  it('answers a bug with a 500 page in the layout, and the error only in the log', async () => {
    const { status, html } = await client.html('/flows/boom/start');
    expect(status).toBe(500);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>Something went wrong</h1>');
    expect(html).toContain('<nav class="fl-nav" aria-label="Main">');
    expect(html).not.toContain('secret internals');
    expect(String(logged.at(-1)?.[1])).toContain('secret internals of the bug');
  });

  it('answers unknown addresses under its mount with its 404 page, also inside another app', async () => {
    const { status, html } = await client.html('/flows/nosuchflow');
    expect(status).toBe(404);
    expect(html).toContain('<h1>Page not found</h1>');
  });
});
