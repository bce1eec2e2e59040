/**
 * The navigation's counts on every page, over HTTP on every database: the
 * inbox's exact count, and the queue's count that stops at its cap and
 * then reads "999+", so a huge queue cannot slow every page.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine, Flow, flow, self, type Engine } from '../../src/index.ts';
import { createUser, createWebApp } from '../../src/web/index.ts';
import { findUserByUsername, loadFlowUser } from '../../src/web/auth/users.ts';
import { QUEUE_COUNT_CAP } from '../../src/web/queries.ts';
import { TASK_COLUMNS, type TaskRow } from '../../src/store/schema.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startServer, type RunningServer } from './auth/harness.ts';
import { Client } from './support/demo.ts';

class CounterFlow extends Flow {
  static label = 'counter';
  start = flow.StartHandle().Next(self.work);
  work = flow.View().Next(self.end);
  end = flow.End();
}

/** Ids far above the ones the engine hands out while the test runs. */
const FIRST_COPY = 50_000_000;

await describeEachDatabase('navigation counts', (db) => {
  let engine: Engine;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    engine = await createEngine({ database: db.url, flows: [CounterFlow] });
    server = await startServer(await createWebApp({ engine, secret: 'navigation test secret, thirty-two chars' }));
    await createUser(engine.database.db, { username: 'worker', password: 'worker-password' });
    client = new Client(server.origin);
    await client.login('worker', 'worker-password');
  });
  afterAll(async () => {
    await server?.close();
    await engine?.close();
  });

  const nav = async () => {
    const html = await (await client.get('/workflow/archive')).text();
    const count = (label: string) => new RegExp(`>${label}<span class="fl-count"> \\(([^)]*)\\)</span>`).exec(html)?.[1];
    return { inbox: count('Inbox'), queue: count('Queue') };
  };

  it('shows the inbox count and the queue count, which stops at its cap', async () => {
    const process = await engine.start(CounterFlow, 'start', {});
    expect(await nav()).toEqual({ inbox: '0', queue: '1' });

    // A queue of a thousand more: copies of the queued task, written straight into the table.
    const [task] = await engine.database.db.selectFrom('flowlane_task').select(TASK_COLUMNS).where('process_id', '=', process.id).where('status', '=', 'NEW').execute();
    const copies: TaskRow[] = Array.from({ length: QUEUE_COUNT_CAP + 1 }, (_, i) => ({ ...task!, id: FIRST_COPY + i }));
    for (let i = 0; i < copies.length; i += 200) await engine.database.db.insertInto('flowlane_task').values(copies.slice(i, i + 200)).execute();
    expect(await nav()).toEqual({ inbox: '0', queue: `${QUEUE_COUNT_CAP}+` });

    await engine.database.db.deleteFrom('flowlane_task').where('id', '>=', FIRST_COPY + QUEUE_COUNT_CAP - 1).execute();
    expect(await nav()).toEqual({ inbox: '0', queue: String(QUEUE_COUNT_CAP) });

    await engine.database.db.deleteFrom('flowlane_task').where('id', '>=', FIRST_COPY).execute();
    const worker = await loadFlowUser(engine.database.db, (await findUserByUsername(engine.database.db, 'worker'))!.id);
    await engine.assign(task!.id, { user: worker! });
    expect(await nav()).toEqual({ inbox: '1', queue: '0' });
  });
});
