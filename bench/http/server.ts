/**
 * Child process: the web app as `flowlane serve` runs it (createWebApp on
 * @hono/node-server) over a fresh database with the hello world example
 * flow. Users hold the flow's permissions (not superusers), each signed in
 * with a session and with approve tasks assigned: their inboxes, and one
 * task per execute POST. Prints what the load generator needs on one
 * line, then serves until it is killed.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEngine, flowPermissions, type FlowUser } from '../../src/index.ts';
import { createWebApp } from '../../src/web/index.ts';
import { createUser, ensurePermissions, grantPermission, loadFlowUser } from '../../src/web/auth/users.ts';
import { SessionStore, SESSION_COOKIE } from '../../src/web/auth/sessions.ts';
import { HelloWorldFlow } from '../../examples/helloworld.ts';
import { createBenchDatabase, type DbKind } from '../db.ts';

export interface ServerInput {
  db: DbKind;
  users: number;
  /** Assigned approve tasks per user: the inbox, and one task per execute POST. */
  tasksPerUser: number;
}

export interface ServerInfo {
  origin: string;
  /** Per user: the session cookie and its CSRF token. */
  users: Array<{ cookie: string; csrf: string }>;
  inboxPath: string;
  startPath: string;
  /** Execute URLs of the assigned tasks, with the index of the owner. */
  executes: Array<{ path: string; user: number }>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ServerInput;
const database = await createBenchDatabase(input.db);
const engine = await createEngine({ database: database.url, flows: [HelloWorldFlow], logger: { warn: () => undefined, error: console.error } });
const db = engine.database.db;
const spec = engine.flow(HelloWorldFlow);
await ensurePermissions(db, flowPermissions(spec));

const users: Array<{ user: FlowUser; cookie: string; csrf: string }> = [];
const sessions = new SessionStore(db);
for (let i = 0; i < input.users; i++) {
  const stored = await createUser(db, { username: `clerk${i}`, password: 'bench-password-1' });
  for (const codename of [spec.permissions.view, spec.nodeCodename(spec.node('start')), spec.nodeCodename(spec.node('approve'))]) {
    await grantPermission(db, { userId: stored.id }, codename);
  }
  const session = await sessions.create(stored.id);
  users.push({ user: (await loadFlowUser(db, stored.id))!, cookie: `${SESSION_COOKIE}=${session.id}`, csrf: session.csrfToken });
}

// Each user starts processes and takes their approve tasks.
const executes: ServerInfo['executes'] = [];
let approve: { processId: number; taskId: number } | undefined;
engine.on('task.created', ({ task }) => {
  if (task.node === 'approve') approve = { processId: task.processId, taskId: task.id };
});
for (let t = 0; t < input.tasksPerUser; t++) {
  for (const [i, { user }] of users.entries()) {
    await engine.start(HelloWorldFlow, 'start', { user, data: { text: `Message ${t} of ${user.username}` } });
    await engine.assign(approve!.taskId, { user });
    executes.push({ path: `/workflow/${spec.label}/${approve!.processId}/approve/${approve!.taskId}/execute`, user: i });
  }
}

const app = await createWebApp({ engine });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (address: AddressInfo) => {
  const info: ServerInfo = {
    origin: `http://127.0.0.1:${address.port}`,
    users: users.map(({ cookie, csrf }) => ({ cookie, csrf })),
    inboxPath: '/workflow/inbox',
    startPath: `/workflow/${spec.label}/start`,
    executes,
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
