/** Whether the test Redis answers; under FLOWLANE_REQUIRE_SERVICES=1 a missing Redis fails the run instead. */
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { REDIS_URL, REQUIRE_SERVICES } from '../../support/databases.ts';

let probe: Promise<string | undefined> | undefined;

export function redisUnavailable(): Promise<string | undefined> {
  probe ??= (async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (error) {
      const reason = `Redis at ${REDIS_URL} is not reachable (${(error as Error).message})`;
      if (REQUIRE_SERVICES) throw new Error(`${reason}; FLOWLANE_REQUIRE_SERVICES=1 forbids skipping`);
      return reason;
    } finally {
      client.disconnect();
    }
  })();
  return probe;
}

/** A key prefix of its own per test file, so files running at once never share a lock. */
export const uniquePrefix = (): string => `flowlane-test:${randomBytes(4).toString('hex')}:`;
