/**
 * Redis lock: one key per process holds a random owner token. It is taken
 * with `SET key token NX PX ttl` before the step's transaction begins and
 * released after the commit (or rollback) by an atomic compare-and-delete,
 * so a holder whose TTL ran out never deletes the lock a later holder now
 * owns. Waiting steps retry with jittered exponential backoff, then throw
 * LockError. Unlike a row lock, a waiting step holds no database
 * connection, and it works the same on every database.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LockError } from '../errors.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { LockStrategy } from './strategy.ts';

export interface RedisLockOptions {
  /** Default: FLOWLANE_REDIS_URL, else redis://127.0.0.1:6379. */
  url?: string;
  /** An ioredis client to use instead of opening one from `url`; `close()` leaves it open. */
  client?: Redis;
  /** Lifetime of a lock in ms, so a crashed holder cannot block its process
   * for ever. Must exceed the longest step. Default 30 000. */
  ttl?: number;
  /** Tries before a LockError. Default 20. */
  attempts?: number;
  /** First backoff ceiling in ms (default 10), doubling up to `maxDelayMs` (default 500). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Key prefix; give each database its own when several share a Redis. Default `flowlane:lock:`. */
  prefix?: string;
  /** Where a lost or unreleasable lock is reported (default: console). */
  logger?: Pick<Console, 'warn'>;
}

export interface RedisLockStrategy extends LockStrategy {
  /** The Redis key of a process's lock. */
  key(processId: number): string;
}

/** Deletes the key only while it still holds our token: GET and DEL in one atomic script. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function redisLock(options: RedisLockOptions = {}): RedisLockStrategy {
  const url = options.url ?? process.env.FLOWLANE_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const ttl = options.ttl ?? 30_000;
  const attempts = options.attempts ?? 20;
  const base = options.baseDelayMs ?? 10;
  const max = options.maxDelayMs ?? 500;
  const prefix = options.prefix ?? 'flowlane:lock:';
  const logger = options.logger ?? console;
  // Opened on first use: flows declare their lock at class definition, long before an engine runs.
  let own: Promise<Redis> | undefined;
  const client = (): Promise<Redis> => {
    if (options.client) return Promise.resolve(options.client);
    own ??= import('ioredis').then(({ Redis }) => {
      // Fail a command after one reconnect instead of queueing it while Redis is away.
      const redis = new Redis(url, { maxRetriesPerRequest: 1 });
      // Failed commands surface as LockError or a warning; the connection error itself needs no second report.
      redis.on('error', () => undefined);
      return redis;
    });
    return own;
  };
  const key = (processId: number) => `${prefix}process:${processId}`;

  async function acquire(redis: Redis, name: string, token: string): Promise<void> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      let taken: string | null;
      try {
        taken = await redis.set(name, token, 'PX', ttl, 'NX');
      } catch (error) {
        throw new LockError(`Could not reach Redis to lock ${name}: ${(error as Error).message}`, { cause: error });
      }
      if (taken === 'OK') return;
      if (attempt + 1 < attempts) await sleep(backoffDelay(attempt, base, max));
    }
    throw new LockError(`Could not lock ${name} after ${attempts} attempts: another step holds it`);
  }

  /** Never throws: the step's outcome (committed or not) is what the caller must see.
   * Asks for the client anew: an engine sharing this lock may have closed it meanwhile. */
  async function release(name: string, token: string): Promise<void> {
    try {
      const redis = await client();
      if ((await redis.eval(RELEASE, 1, name, token)) !== 1) {
        logger.warn(`flowlane: the lock ${name} expired while its step ran (ttl ${ttl} ms); another step may have run alongside it`);
      }
    } catch (error) {
      logger.warn(`flowlane: could not release ${name}; it frees itself within ${ttl} ms:`, error);
    }
  }

  return {
    name: 'redis',
    needsProcessId: true,
    key,
    async run(processId, step) {
      // A process being started has no id anyone else knows yet: nothing to keep apart.
      if (processId === undefined) return step({ processLock: 'none' });
      const name = key(processId);
      const token = randomBytes(16).toString('hex');
      await acquire(await client(), name, token);
      try {
        return await step({ processLock: 'none' });
      } finally {
        await release(name, token);
      }
    },
    async close() {
      const opened = own;
      own = undefined;
      if (opened) await (await opened).quit();
    },
  };
}
