import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../../src/web/auth/sessions.ts';
import { createUser } from '../../../src/web/auth/users.ts';
import { tempDatabase, type TempDatabase } from './harness.ts';

const DAY = 24 * 60 * 60 * 1000;
let temp: TempDatabase;
let userId: number;

beforeAll(async () => {
  temp = await tempDatabase();
  userId = (await createUser(temp.database.db, { username: 'alice' })).id;
});
afterAll(() => temp.cleanup());

function storeAt(options: { sliding?: boolean } = {}) {
  const clock = { now: 1_700_000_000_000 };
  const store = new SessionStore(temp.database.db, { maxAgeMs: 14 * DAY, now: () => clock.now, ...options });
  return { store, clock };
}

describe('SessionStore', () => {
  it('gives each session a random id and CSRF token, and stores only a hash of the id', async () => {
    const { store } = storeAt();
    const [a, b] = await Promise.all([store.create(userId), store.create(userId)]);
    expect(a.id).toMatch(/^[\w-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    const ids = (await temp.database.db.selectFrom('flowlane_session').select('id').execute()).map((row) => row.id);
    expect(ids).not.toContain(a.id);
    expect(await store.find(a.id)).toMatchObject({ userId, csrfToken: a.csrfToken });
    expect(await store.find(b.id.slice(0, -1) + (b.id.endsWith('A') ? 'B' : 'A'))).toBeNull();
  });

  it('rejects an expired session and deletes it', async () => {
    const { store, clock } = storeAt();
    const session = await store.create(userId);
    clock.now += 14 * DAY - 1;
    expect(await store.find(session.id)).not.toBeNull();
    clock.now += 1;
    expect(await store.find(session.id)).toBeNull();
    clock.now -= 1; // even with the clock turned back, the row is gone
    expect(await store.find(session.id)).toBeNull();
  });

  it('a sliding session is extended by use; a fixed one is not', async () => {
    const sliding = storeAt({ sliding: true });
    const fixed = storeAt();
    const s = await sliding.store.create(userId);
    const f = await fixed.store.create(userId);
    for (let day = 0; day < 20; day++) {
      sliding.clock.now += DAY;
      fixed.clock.now += DAY;
      const found = await sliding.store.find(s.id);
      expect(found).toMatchObject({ renewed: true, expires: sliding.clock.now + 14 * DAY });
    }
    expect(await fixed.store.find(f.id)).toBeNull();
  });

  it('delete ends a session; purgeExpired removes only expired ones', async () => {
    const { store, clock } = storeAt();
    const ended = await store.create(userId);
    await store.delete(ended.id);
    expect(await store.find(ended.id)).toBeNull();

    await temp.database.db.deleteFrom('flowlane_session').execute();
    await store.create(userId);
    clock.now += 7 * DAY;
    const young = await store.create(userId);
    clock.now += 7 * DAY;
    expect(await store.purgeExpired()).toBe(1);
    expect(await store.find(young.id)).not.toBeNull();
  });
});
