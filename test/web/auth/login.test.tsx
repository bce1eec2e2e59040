import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/web/auth/users.ts';
import { LoginRateLimiter } from '../../../src/web/auth/rate-limit.ts';
import { Browser, startServer, tempDatabase, type RunningServer, type TempDatabase } from './harness.ts';
import { testApp } from './app.tsx';

let temp: TempDatabase;
let server: RunningServer;
const limiterClock = { now: Date.now() };

beforeAll(async () => {
  temp = await tempDatabase();
  await createUser(temp.database.db, { username: 'alice', password: 'alice-password', groups: ['clerks'] });
  await createUser(temp.database.db, { username: 'mallory-target', password: 'right-password' });
  await createUser(temp.database.db, { username: 'bob', password: 'bob-password' });
  const rateLimiter = new LoginRateLimiter({ maxFailures: 5, windowMs: 15 * 60_000, now: () => limiterClock.now });
  server = await startServer(testApp(temp.database.db, { rateLimiter }).app);
});
afterAll(async () => {
  await server.close();
  await temp.cleanup();
});

const browser = () => new Browser(server.origin);
const sessionCount = async () =>
  Number((await temp.database.db.selectFrom('flowlane_session').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('login', () => {
  it('sends an anonymous visitor to the login page, then back where they were going', async () => {
    const b = browser();
    const redirect = await b.get('/inbox?page=2');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/accounts/login?next=%2Finbox%3Fpage%3D2');

    const form = await (await b.get(redirect.headers.get('location')!)).text();
    expect(form).toContain('<label for="username">Username</label>');
    expect(form).toContain('name="next" value="/inbox?page=2"');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;

    const login = await b.post('/accounts/login?next=%2Finbox%3Fpage%3D2', {
      _csrf,
      next: '/inbox?page=2',
      username: 'alice',
      password: 'alice-password',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/inbox?page=2');
    const cookie = b.lastSetCookies.get('flowlane_session')!;
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Lax');
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.get('max-age')).toBe(String(14 * 24 * 60 * 60));
    expect(cookie.attributes.has('secure')).toBe(false); // plain http here

    const inbox = await b.get('/inbox?page=2');
    expect(inbox.status).toBe(200);
    const page = await inbox.text();
    expect(page).toContain('Tasks of alice');
    expect(page).toContain('Signed in as <strong>alice</strong>');
  });

  it('marks the session cookie Secure when a TLS proxy forwarded the request', async () => {
    const b = browser();
    const _csrf = await b.csrfFrom('/accounts/login');
    await b.post('/accounts/login', { _csrf, username: 'alice', password: 'alice-password' }, { 'x-forwarded-proto': 'https' });
    expect(b.lastSetCookies.get('flowlane_session')!.attributes.has('secure')).toBe(true);
  });

  it('shows an error and sets no session on a wrong password', async () => {
    const b = browser();
    const response = await b.login('alice', 'not-her-password');
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('Invalid username or password.');
    expect(page).toContain('value="alice"'); // the username is kept, the password is not
    expect(b.cookies.has('flowlane_session')).toBe(false);
    expect((await b.get('/inbox')).status).toBe(302);
  });

  it('ignores a next that points to another site', async () => {
    for (const next of ['https://evil.example', '//evil.example/inbox', '/\\evil.example']) {
      const b = browser();
      const _csrf = await b.csrfFrom(`/accounts/login?next=${encodeURIComponent(next)}`);
      const response = await b.post(`/accounts/login?next=${encodeURIComponent(next)}`, {
        _csrf,
        next,
        username: 'alice',
        password: 'alice-password',
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/inbox');
    }
  });

  it('refuses further attempts with 429 after five failures, even with the right password', async () => {
    const b = browser();
    for (let i = 0; i < 5; i++) expect((await b.login('mallory-target', `guess-${i}`)).status).toBe(422);
    const blocked = await b.login('mallory-target', 'right-password');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe(String(15 * 60));
    expect(await blocked.text()).toContain('Too many failed login attempts. Try again in 15 minutes.');
    expect(b.cookies.has('flowlane_session')).toBe(false);

    limiterClock.now += 15 * 60_000;
    expect((await b.login('mallory-target', 'right-password')).status).toBe(303);
  });

  it('logout deletes the session on the server, so the old cookie no longer works', async () => {
    const b = browser();
    await b.login('alice', 'alice-password');
    const stolen = b.cookies.get('flowlane_session')!;
    const before = await sessionCount();

    const _csrf = await b.csrfFrom('/inbox');
    const logout = await b.post('/accounts/logout', { _csrf });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/accounts/login');
    expect(b.lastSetCookies.get('flowlane_session')!.attributes.get('max-age')).toBe('0');
    expect(await sessionCount()).toBe(before - 1);
    expect(await (await b.get('/accounts/login')).text()).toContain('You have been logged out.');

    const replay = new Browser(server.origin);
    replay.cookies.set('flowlane_session', stolen);
    expect((await replay.get('/inbox')).status).toBe(302);
  });

  it('treats an expired session as anonymous', async () => {
    const b = browser();
    await b.login('alice', 'alice-password');
    expect((await b.get('/inbox')).status).toBe(200);
    await temp.database.db.updateTable('flowlane_session').set({ expires: Date.now() - 1 }).execute();
    const response = await b.get('/inbox');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login?next=%2Finbox');
  });

  it('gives a new session id at login, so an id planted in the browser is worth nothing', async () => {
    const attacker = browser();
    await attacker.login('bob', 'bob-password');
    const planted = attacker.cookies.get('flowlane_session')!;

    const victim = browser();
    victim.cookies.set('flowlane_session', planted);
    const _csrf = await victim.csrfFrom('/inbox');
    expect((await victim.post('/accounts/login', { _csrf, username: 'alice', password: 'alice-password' })).status).toBe(303);
    expect(victim.cookies.get('flowlane_session')).not.toBe(planted);
    expect(await (await victim.get('/inbox')).text()).toContain('Tasks of alice');
    expect((await attacker.get('/inbox')).status).toBe(302);
  });
});

describe('requireUser for other methods', () => {
  it('answers an anonymous POST with 401, not a redirect', async () => {
    const b = browser();
    const _csrf = await b.csrfFrom('/accounts/login');
    const response = await b.post('/tasks/1/assign', { _csrf });
    expect(response.status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a signed-in POST without the token, or with a wrong one', async () => {
    const b = browser();
    await b.login('alice', 'alice-password');
    const missing = await b.post('/tasks/1/assign', {});
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('CSRF token missing or invalid');
    expect((await b.post('/tasks/1/assign', { _csrf: 'x'.repeat(43) })).status).toBe(403);
  });

  it('accepts the session token as form field or header', async () => {
    const b = browser();
    await b.login('alice', 'alice-password');
    const _csrf = await b.csrfFrom('/inbox');
    expect((await b.post('/tasks/1/assign', { _csrf })).status).toBe(303);
    expect((await b.post('/tasks/1/assign', {}, { 'x-csrf-token': _csrf })).status).toBe(303);
  });

  it("does not accept another session's token", async () => {
    const alice = browser();
    await alice.login('alice', 'alice-password');
    const other = browser();
    await other.login('alice', 'alice-password');
    const foreign = await other.csrfFrom('/inbox');
    expect((await alice.post('/tasks/1/assign', { _csrf: foreign })).status).toBe(403);
  });

  it('protects the anonymous login form with the double-submit cookie', async () => {
    const b = browser();
    const _csrf = await b.csrfFrom('/accounts/login');
    expect(b.cookies.get('flowlane_csrf')).toBe(_csrf);

    const forged = browser(); // a cross-site form: no cookie of ours, a made-up token
    const response = await forged.post('/accounts/login', { _csrf: 'made-up', username: 'alice', password: 'alice-password' });
    expect(response.status).toBe(403);
    expect(forged.cookies.has('flowlane_session')).toBe(false);

    b.cookies.delete('flowlane_csrf');
    expect((await b.post('/accounts/login', { _csrf, username: 'alice', password: 'alice-password' })).status).toBe(403);
  });
});
