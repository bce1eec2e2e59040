/**
 * The demo app on a throw-away SQLite file behind a real HTTP server on a
 * free port, with signed-in clients for its users and engine shortcuts to
 * set up state without clicking.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, FlowUser } from '../../../src/index.ts';
import { findUserByUsername, loadFlowUser } from '../../../src/web/auth/users.ts';
import { createDemo, DEMO_USERS } from '../../../examples/demo/demo.ts';
import { Browser, startServer } from '../auth/harness.ts';

const QUIET = { info: () => {}, warn: console.warn, error: console.error };

export const TEST_SECRET = 'web test secret, at least thirty-two characters';

export interface RunningDemo {
  origin: string;
  engine: Engine;
  /** A client signed in as a demo user (or one created with `password`). */
  client(username: string, password?: string): Promise<Client>;
  /** The engine's view of a user. */
  user(username: string): Promise<FlowUser>;
  close(): Promise<void>;
}

/** A signed-in client that knows its CSRF token. */
export class Client extends Browser {
  csrf = '';

  async postForm(path: string, fields: Record<string, string> = {}): Promise<Response> {
    return this.post(path, { _csrf: this.csrf, ...fields });
  }

  async html(path: string): Promise<{ status: number; html: string }> {
    const response = await this.get(path);
    return { status: response.status, html: await response.text() };
  }
}

export async function startDemo(): Promise<RunningDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlane-web-'));
  const demo = await createDemo(`sqlite:${join(dir, 'demo.db')}`, { secret: TEST_SECRET, logger: QUIET });
  const { engine, app } = demo;
  const server = await startServer(app);
  const passwords = new Map(DEMO_USERS.map((u) => [u.username, u.password]));
  return {
    origin: server.origin,
    engine,
    async client(username, password = passwords.get(username)) {
      const client = new Client(server.origin);
      const response = await client.login(username, password!);
      if (response.status !== 303) throw new Error(`login as ${username} failed: ${response.status}`);
      client.csrf = await client.csrfFrom('/workflow/inbox');
      return client;
    },
    async user(username) {
      const db = engine.database.db;
      const stored = await findUserByUsername(db, username);
      return (await loadFlowUser(db, stored!.id))!;
    },
    async close() {
      await server.close();
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
