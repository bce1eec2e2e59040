/** Per file: the race flows, an engine for set-up and inspection, and two racer processes. */
import { afterAll, beforeAll } from 'vitest';
import type { Engine } from '../../../src/index.ts';
import { REDIS_URL } from '../../support/databases.ts';
import { engineOn } from '../../support/engine.ts';
import { allRaceFlows } from './flows.ts';
import { Racers } from './racers.ts';
import { uniquePrefix } from './redis.ts';

export const RACERS = 2;

export function raceFixture(db: { readonly url: string }) {
  const prefix = uniquePrefix();
  const flows = allRaceFlows(REDIS_URL, prefix);
  const fixture = {
    flows,
    engine: undefined as unknown as Engine,
    racers: undefined as unknown as Racers,
  };
  beforeAll(async () => {
    fixture.engine = await engineOn(
      db.url,
      Object.values(flows).flatMap((f) => [f.JoinRace, f.Review]),
    );
    // A pool as large as a racer's share of the 50-way race, so every call is in flight at once.
    fixture.racers = await Racers.start(RACERS, { url: db.url, redisUrl: REDIS_URL, redisPrefix: prefix, settings: { poolSize: 25 } });
  }, 60_000);
  afterAll(async () => {
    await fixture.racers?.stop();
    await fixture.engine?.close();
  });
  return fixture;
}
