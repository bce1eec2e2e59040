/**
 * Id blocks: engines sharing a database never hand out one id twice, a
 * block of a rolled-back SQLite step is dropped, and a pool whose every
 * connection is held by a step that needs ids can still reserve a block.
 */
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, DataValidationError, type Engine } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';

class Tiny extends Flow<{ n: number }> {
  static data = z.object({ n: z.number().int().default(0) });
  start = flow.StartHandle().Next(self.end);
  end = flow.End();
}

await describeEachDatabase('id blocks', (db) => {
  const engines: Engine[] = [];
  const open = async (poolSize?: number) => {
    const engine = await engineOn(db.url, [Tiny], { settings: { poolSize } });
    engines.push(engine);
    return engine;
  };
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });
  const ids = async (engine: Engine, processId: number) => [processId, ...(await engine.getTasks(processId)).map((t) => t.id)];

  it('two engines starting processes at once never share an id', async () => {
    const [a, b] = [await open(), await open()];
    const started = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).start(Tiny, 'start')),
    );
    const all = (await Promise.all(started.map((p) => ids(a, p.id)))).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(40 * 3);
  });

  it('a block reserved by a step that rolled back is not reused by that engine', async () => {
    const [a, b] = [await open(), await open()];
    await expect(a.start(Tiny, 'start', { data: { n: 'not a number' as never } })).rejects.toBeInstanceOf(DataValidationError);
    const fromB = await b.start(Tiny, 'start');
    const fromA = await a.start(Tiny, 'start');
    const [idsA, idsB] = [await ids(a, fromA.id), await ids(b, fromB.id)];
    expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
  });

  it.skipIf(db.kind === 'sqlite')('steps holding every pooled connection can still reserve a block', async () => {
    const engine = await open(2);
    const started = await Promise.race([
      Promise.all(Array.from({ length: 10 }, () => engine.start(Tiny, 'start'))),
      new Promise((_, reject) => setTimeout(() => reject(new Error('id reservation starved: the pool is exhausted')), 10_000)),
    ]);
    expect(started).toHaveLength(10);
  });
});
