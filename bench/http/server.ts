/**
 * Child process: the web app as `flowlane serve` runs it (createWebApp on
 * @hono/node-server), over a fresh database with the hello world example
 * flow, a signed-in superuser, and approve tasks assigned to that user (a
 * pool for the execute POSTs, plus a realistic inbox). Prints what the
 * load generator needs on one line, then serves until it is killed.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEngine, type FlowUser } from '../../src/index.ts';
import { createWebApp } from '../../src/web/index.ts';
import { createUser, loadFlowUser } from '../../src/web/auth/users.ts';
import { SessionStore, SESSION_COOKIE } from '../../src/web/auth/sessions.ts';
import { HelloWorldFlow } from '../../examples/helloworld.ts';
import { createBenchDatabase, type DbKind } from '../db.ts';

export interface ServerInput {
  db: DbKind;
  /** Assigned approve tasks to create: one per execute POST. */
  pool: number;
}

export interface ServerInfo {
  origin: string;
  cookie: string;
  csrf: string;
  inboxPath: string;
  startPath: string;
  /** Execute URLs of assigned tasks, one per request. */
  executePaths: string[];
}

const input = JSON.parse(process.argv[2] ?? '{}') as ServerInput;
const database = await createBenchDatabase(input.db);
const engine = await createEngine({ database: database.url, flows: [HelloWorldFlow], logger: { warn: () => undefined, error: console.error } });
const stored = await createUser(engine.database.db, { username: 'bench', password: 'bench-password-1', isSuperuser: true });
const user = (await loadFlowUser(engine.database.db, stored.id)) as FlowUser;
const session = await new SessionStore(engine.database.db).create(user.id);

// Approve tasks waiting in the user's inbox: start each process as the user, then take its task.
const approves: Array<{ processId: number; taskId: number }> = [];
engine.on('task.created', ({ task }) => {
  if (task.node === 'approve') approves.push({ processId: task.processId, taskId: task.id });
});
for (let i = 0; i < input.pool; i++) await engine.start(HelloWorldFlow, 'start', { user, data: { text: `Message ${i}` } });
for (const { taskId } of approves) await engine.assign(taskId, { user });

const app = await createWebApp({ engine });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (address: AddressInfo) => {
  const info: ServerInfo = {
    origin: `http://127.0.0.1:${address.port}`,
    cookie: `${SESSION_COOKIE}=${session.id}`,
    csrf: session.csrfToken,
    inboxPath: '/workflow/inbox',
    startPath: '/workflow/helloworld/start',
    executePaths: approves.map((a) => `/workflow/helloworld/${a.processId}/approve/${a.taskId}/execute`),
  };
  process.stdout.write(`BENCH-SERVER ${JSON.stringify(info)}\n`);
});

const stop = async () => {
  server.close();
  await engine.close();
  await database.drop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
