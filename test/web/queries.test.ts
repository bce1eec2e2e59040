/**
 * The reads behind inbox, queue, archive, process list and dashboard, on
 * every database: who sees which task, LIKE escaping, counts and paging.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, type Engine, type FlowSpec } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { archive, dashboard, inbox, nextTaskOf, processes, queue } from '../../src/web/queries.ts';

class DeskFlow extends Flow<{ text: string; vip: boolean }> {
  static label = 'desk';
  static data = z.object({ text: z.string(), vip: z.boolean().default(false) });
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Next(self.byCode).Next(self.byGroup).Next(self.byFunction).Next(self.anyone);
  byCode = flow.View().Permission('desk.code').Next(self.join);
  byGroup = flow.View().Permission({ groups: ['night_%shift', 'ops'] }).Next(self.join);
  /** Only VIP processes go to users named "vip…". */
  byFunction = flow
    .View()
    .Permission((u, activation) => u.username.startsWith('vip') && activation.process.data.vip)
    .Next(self.join);
  anyone = flow.View().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

class OtherFlow extends Flow {
  static label = 'other';
  start = flow.StartHandle().Next(self.task);
  task = flow.View().Next(self.end);
  end = flow.End();
}

const coder = user('coder', { permissions: ['desk.code'] });
const nightOwl = user('owl', { groups: ['night_%shift'] });
const lookalike = user('looka', { groups: ['nightX%shift', 'night_'] });
const vip = user('vipper');
const admin = user('root', { superuser: true });

await describeEachDatabase('web queries', (db) => {
  let engine: Engine;
  let desk: FlowSpec;
  let other: FlowSpec;
  beforeEach(async () => {
    engine = await engineOn(db.url, [DeskFlow, OtherFlow]);
    // The database lives for the whole file: each test counts only its own rows.
    for (const table of ['flowlane_task', 'flowlane_process'] as const) {
      await engine.database.db.deleteFrom(table).execute();
    }
    desk = engine.flow(DeskFlow);
    other = engine.flow(OtherFlow);
  });
  afterEach(async () => {
    await engine.close();
  });

  const nodesIn = (rows: { rows: Array<{ task: { node: string } }> }) => rows.rows.map((r) => r.task.node).sort();

  it('the queue shows exactly the tasks each user may take', async () => {
    await engine.start(DeskFlow, 'start', { data: { text: 'plain' } });
    await engine.start(DeskFlow, 'start', { data: { text: 'special', vip: true } });
    const db_ = engine.database.db;
    expect(nodesIn(await queue(db_, [desk], coder))).toEqual(['anyone', 'anyone', 'byCode', 'byCode']);
    expect(nodesIn(await queue(db_, [desk], nightOwl))).toEqual(['anyone', 'anyone', 'byGroup', 'byGroup']);
    expect(nodesIn(await queue(db_, [desk], lookalike))).toEqual(['anyone', 'anyone']); // LIKE wildcards in group names match literally
    expect(nodesIn(await queue(db_, [desk], vip))).toEqual(['anyone', 'anyone', 'byFunction']);
    expect((await queue(db_, [desk], admin)).total).toBe(8);
    expect((await queue(db_, [other], admin)).total).toBe(0); // scoped to the flows asked for
  });

  it('pages the queue and counts all of it', async () => {
    for (let i = 0; i < 3; i++) await engine.start(DeskFlow, 'start', { data: { text: `p${i}` } });
    const first = await queue(engine.database.db, [desk], coder, 1, 4);
    const second = await queue(engine.database.db, [desk], coder, 2, 4);
    expect([first.total, first.rows.length, second.rows.length]).toEqual([6, 4, 2]);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.task.id)).size).toBe(6);
  });

  it('inbox, archive and the next task follow the owner', async () => {
    const process = await engine.start(DeskFlow, 'start', { data: { text: 'x' } });
    const tasks = await engine.getTasks(process.id);
    const [code, any] = [tasks.find((t) => t.node === 'byCode')!, tasks.find((t) => t.node === 'anyone')!];
    await engine.assign(code.id, { user: coder });
    await engine.assign(any.id, { user: coder });
    expect(nodesIn(await inbox(engine.database.db, [desk], coder))).toEqual(['anyone', 'byCode']);
    expect((await nextTaskOf(engine.database.db, process.id, coder))?.id).toBe(code.id);
    await engine.execute(code.id, { user: coder });
    expect(nodesIn(await archive(engine.database.db, [desk], coder))).toEqual(['byCode']);
    expect(nodesIn(await inbox(engine.database.db, [desk], coder))).toEqual(['anyone']);
    expect((await inbox(engine.database.db, [other], coder)).total).toBe(0);

    const board = await dashboard(engine.database.db, desk);
    expect(board.processesByStatus).toEqual({ NEW: 1 });
    expect(board.working.map((r) => r.task.id)).toEqual([any.id]);
    expect(board.activeTasks).toEqual(
      expect.arrayContaining([
        { node: 'anyone', status: 'ASSIGNED', count: 1 },
        { node: 'join', status: 'STARTED', count: 1 },
      ]),
    );
  });

  it('filters processes by status, text (wildcards literal) and day', async () => {
    const a = await engine.start(DeskFlow, 'start', { data: { text: 'Invoice 100%' } });
    const b = await engine.start(DeskFlow, 'start', { data: { text: 'Invoice 1000' } });
    await engine.cancelProcess(b.id, { user: admin });
    const ids = async (filter: Parameters<typeof processes>[2]) => (await processes(engine.database.db, desk, filter)).rows.map((p) => p.id);
    expect(await ids({ text: 'invoice' })).toEqual([b.id, a.id]);
    expect(await ids({ text: '100%' })).toEqual([a.id]);
    expect(await ids({ text: String(b.id) })).toContain(b.id);
    expect(await ids({ status: 'CANCELED' })).toEqual([b.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids({ from: today, to: today })).toEqual([b.id, a.id]);
    expect(await ids({ to: '2000-01-01' })).toEqual([]);
  });
});
