/**
 * lock.redis against a real Redis: the key and its owner token, one holder
 * at a time, a holder whose TTL ran out (it must not delete its successor's
 * lock), LockError when the lock stays taken, and the order lock → begin →
 * commit → release inside an engine step.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Flow, flow, self, lock, LockError, type Activation, type LockStrategy } from '../../src/index.ts';
import type { RedisLockOptions, RedisLockStrategy } from '../../src/lock/index.ts';
import { createTestDatabase, REDIS_URL } from '../support/databases.ts';
import { engineOn } from '../support/engine.ts';
import { redisUnavailable, uniquePrefix } from '../concurrency/support/redis.ts';

const noRedis = await redisUnavailable();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(noRedis)('lock.redis', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  const strategies: LockStrategy[] = [];
  const make = (options: RedisLockOptions = {}): RedisLockStrategy => {
    const strategy = lock.redis({ url: REDIS_URL, prefix, ...options });
    strategies.push(strategy);
    return strategy;
  };

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const s of strategies) await s.close?.();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('holds one key per process, with a random owner token and a TTL, only while the step runs', async () => {
    const strategy = make({ ttl: 10_000 });
    const seen: Array<[string | null, number]> = [];
    const attempt = await strategy.run(1, async (a) => {
      seen.push([await redis.get(strategy.key(1)), await redis.pttl(strategy.key(1))]);
      return a;
    });
    await strategy.run(1, async () => void seen.push([await redis.get(strategy.key(1)), 0]));
    expect(attempt).toEqual({ processLock: 'none' });
    expect(strategy.key(1)).toBe(`${prefix}process:1`);
    expect(seen[0]![0]).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[0]![1]).toBeGreaterThan(9_000);
    expect(seen[1]![0]).not.toBe(seen[0]![0]);
    expect(await redis.exists(strategy.key(1))).toBe(0);
  });

  it('runs the steps of one process one at a time, and of different processes side by side', async () => {
    const strategy = make();
    const spans: Array<{ id: number; from: number; to: number }> = [];
    const step = (id: number) => () =>
      strategy.run(id, async () => {
        const from = performance.now();
        await sleep(20);
        spans.push({ id, from, to: performance.now() });
      });
    await Promise.all([1, 1, 1, 1, 2].map((id) => step(id + 10)()));
    const one = spans.filter((s) => s.id === 11).sort((a, b) => a.from - b.from);
    for (let i = 1; i < one.length; i++) expect(one[i]!.from).toBeGreaterThanOrEqual(one[i - 1]!.to);
    const other = spans.find((s) => s.id === 12)!;
    expect(other.from).toBeLessThan(one[0]!.to);
  });

  it('a holder whose TTL ran out does not delete the lock its successor now owns', async () => {
    const warn = vi.fn();
    const first = make({ ttl: 100, logger: { warn } });
    const second = make({ ttl: 5_000 });
    const third = make({ attempts: 2 });
    const key = first.key(20);
    let firstDone!: () => void;
    const firstFinished = new Promise<void>((resolve) => (firstDone = resolve));

    const firstRun = first.run(20, () => sleep(300)).then(firstDone);
    await sleep(150); // the first holder is still working; its key has expired
    let secondToken: string | null = null;
    let keyAfterFirstReleased: string | null = null;
    let thirdError: unknown;
    await second.run(20, async () => {
      secondToken = await redis.get(key);
      await firstFinished;
      keyAfterFirstReleased = await redis.get(key);
      thirdError = await third.run(20, async () => 'ran').catch((e: unknown) => e);
    });
    await firstRun;

    expect(secondToken).toMatch(/^[0-9a-f]{32}$/);
    expect(keyAfterFirstReleased).toBe(secondToken);
    expect(thirdError).toBeInstanceOf(LockError);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`the lock ${key} expired while its step ran`));
    expect(await redis.exists(key)).toBe(0);
  });

  it('throws LockError after its attempts while another owner holds the key; the step never runs', async () => {
    const strategy = make({ attempts: 3, baseDelayMs: 5 });
    await redis.set(strategy.key(30), 'someone-else', 'PX', 5_000);
    const step = vi.fn();
    const error = await strategy.run(30, step).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).message).toContain('after 3 attempts');
    expect(step).not.toHaveBeenCalled();
    expect(await redis.get(strategy.key(30))).toBe('someone-else');
    await redis.del(strategy.key(30));
  });

  it('releases the lock when the step fails, and lets the failure through', async () => {
    const strategy = make();
    await expect(strategy.run(40, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await redis.exists(strategy.key(40))).toBe(0);
  });

  it('a process being started (no id yet) needs no key', async () => {
    const strategy = make();
    expect(strategy.needsProcessId).toBe(true);
    expect(await strategy.run(undefined, async (a) => a)).toEqual({ processLock: 'none' });
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('an unreachable Redis is a LockError, not a hang', async () => {
    const strategy = make({ url: 'redis://127.0.0.1:1' });
    const began = Date.now();
    await expect(strategy.run(50, async () => 'ran')).rejects.toBeInstanceOf(LockError);
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('close() quits the client it opened and leaves a client it was given open', async () => {
    const quit = vi.spyOn(Redis.prototype, 'quit');
    const given = new Redis(REDIS_URL);
    const borrowed = lock.redis({ client: given, prefix });
    const owned = make();
    await borrowed.run(60, async () => undefined);
    await owned.run(61, async () => undefined);
    await borrowed.close!();
    expect(quit).not.toHaveBeenCalled();
    await owned.close!();
    expect(quit).toHaveBeenCalledTimes(1);
    expect(given.status).toBe('ready');
    quit.mockRestore();
    await given.quit();
    // Opened again on the next use.
    await owned.run(62, async () => undefined);
  });

  it('a lock shared by two engines: closing one while a step of the other runs still releases that step\'s key', async () => {
    const warn = vi.fn();
    const shared = make({ logger: { warn } });
    let closed!: () => void;
    const closedMeanwhile = new Promise<void>((resolve) => (closed = resolve));
    const running = shared.run(70, () => closedMeanwhile);
    await sleep(20);
    await shared.close!();
    closed();
    await running;
    expect(warn).not.toHaveBeenCalled();
    expect(await redis.exists(shared.key(70))).toBe(0);
  });

  it('in an engine step: lock, begin, work, commit, then release', async () => {
    const events: string[] = [];
    const client = new Redis(REDIS_URL);
    const strategy = lock.redis({ client, prefix });
    class Locked extends Flow {
      static lock = strategy;
      start = flow.StartHandle().Next(self.work);
      work = flow.Handle(self.doWork).Next(self.end);
      end = flow.End();
      async doWork(activation: Activation) {
        events.push(`work holding ${await redis.get(strategy.key(activation.process.id)) === null ? 'nothing' : 'the key'}`);
      }
    }
    const db = await createTestDatabase('sqlite');
    const engine = await engineOn(db.url, [Locked]);
    try {
      const statements = engine.database.statements;
      const process = await engine.start(Locked, 'start');
      const [, task] = await engine.getTasks(process.id);
      const set = client.set.bind(client);
      const evalScript = client.eval.bind(client);
      vi.spyOn(client, 'set').mockImplementation(((...args: Parameters<typeof set>) => {
        events.push('lock');
        return set(...args);
      }) as typeof client.set);
      vi.spyOn(client, 'eval').mockImplementation(((...args: Parameters<typeof evalScript>) => {
        events.push('release');
        return evalScript(...args);
      }) as typeof client.eval);
      statements.recording = true;
      const note = statements.note.bind(statements);
      vi.spyOn(statements, 'note').mockImplementation((sql: string) => {
        if (/^\s*(begin|commit|rollback)/i.test(sql)) events.push(sql.trim().split(/\s+/)[0]!.toLowerCase());
        note(sql);
      });
      await engine.runHandle(task!.id);
      expect(events).toEqual(['lock', 'begin', 'work holding the key', 'commit', 'release']);
      expect(await redis.exists(strategy.key(process.id))).toBe(0);
    } finally {
      await engine.close();
      await client.quit();
      await db.drop();
    }
  });
});
