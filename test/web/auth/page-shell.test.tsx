/** The shell around every page: flash messages across a redirect, the layout's landmarks, the stylesheet route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/web/auth/users.ts';
import { Layout } from '../../../src/web/layout.tsx';
import { STYLESHEET_URL } from '../../../src/web/static.ts';
import { Browser, startServer, tempDatabase, type RunningServer, type TempDatabase } from './harness.ts';
import { testApp } from './app.tsx';

let temp: TempDatabase;
let server: RunningServer;

beforeAll(async () => {
  temp = await tempDatabase();
  await createUser(temp.database.db, { username: 'alice', password: 'alice-password' });
  server = await startServer(testApp(temp.database.db).app);
});
afterAll(async () => {
  await server.close();
  await temp.cleanup();
});

async function signedIn(): Promise<{ b: Browser; csrf: string }> {
  const b = new Browser(server.origin);
  await b.login('alice', 'alice-password');
  return { b, csrf: await b.csrfFrom('/inbox') };
}

describe('flash messages', () => {
  it('are shown once, on the page after the redirect', async () => {
    const { b, csrf } = await signedIn();
    const post = await b.post('/tasks/1/assign', { _csrf: csrf });
    expect(post.status).toBe(303);
    const shown = await (await b.get('/inbox')).text();
    expect(shown).toContain('<li class="fl-message fl-message-success" role="status">Task 1 assigned to you.</li>');
    expect(await (await b.get('/inbox')).text()).not.toContain('Task 1 assigned');
  });

  it('survive a redirect that renders nothing, until a page shows them', async () => {
    const { b, csrf } = await signedIn();
    await b.post('/tasks/1/assign', { _csrf: csrf });
    await b.post('/tasks/1/assign', { _csrf: csrf });
    const page = await (await b.get('/inbox')).text();
    expect(page.match(/Task 1 assigned to you\./g)).toHaveLength(2);
  });

  it('ignore a cookie the client altered or made up', async () => {
    const { b, csrf } = await signedIn();
    await b.post('/tasks/1/assign', { _csrf: csrf });
    const [, signature] = b.cookies.get('flowlane_flash')!.split('.');
    const forged = Buffer.from(JSON.stringify([{ kind: 'error', text: 'Your account is locked, call +1 555' }])).toString('base64url');
    b.cookies.set('flowlane_flash', `${forged}.${signature}`);
    const page = await (await b.get('/inbox')).text();
    expect(page).not.toContain('account is locked');
    expect(page).not.toContain('fl-message');
    expect(b.lastSetCookies.get('flowlane_flash')?.attributes.get('max-age')).toBe('0');
  });
});

describe('Layout', () => {
  it('renders landmarks, navigation with counts, and a logout form carrying the CSRF token', async () => {
    const { b, csrf } = await signedIn();
    const html = await (await b.get('/inbox')).text();
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).toContain('<title>Inbox · Flowlane</title>');
    expect(html).toContain(`<link rel="stylesheet" href="${STYLESHEET_URL}"/>`);
    expect(html).toContain('<a class="fl-skip-link" href="#main">');
    expect(html).toContain('<nav class="fl-nav" aria-label="Main">');
    expect(html).toContain('<a href="/inbox" aria-current="page">Inbox<span class="fl-count"> (3)</span></a>');
    expect(html).toContain('<a href="/queue">Queue</a>');
    expect(html).toMatch(
      new RegExp(`<form method="post" action="/accounts/logout"><input type="hidden" name="_csrf" value="${csrf}"/><button type="submit">Log out</button></form>`),
    );
    expect(html).toContain('<main id="main" class="fl-main"><h1>Inbox</h1>');
  });

  it('escapes what it is given and offers a login link to anonymous users', () => {
    const html = String(
      <Layout title={'<script>alert(1)</script>'} user={null} csrf="t" flash={[{ kind: 'error', text: '<b>bad</b>' }]}>
        <p>body</p>
      </Layout>,
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml,[^"]+"\/>/); // no /favicon.ico request
    expect(html).toContain('<li class="fl-message fl-message-error" role="alert">&lt;b&gt;bad&lt;/b&gt;</li>');
    expect(html).toContain('<a href="/accounts/login">Log in</a>');
    expect(html).not.toContain('Log out');
  });

  it('puts what the page gives for the head into <head>', () => {
    const html = String(
      <Layout title="T" user={null} csrf="t" head={<link rel="stylesheet" href="/page.css" />}>
        <p>body</p>
      </Layout>,
    );
    const head = html.slice(html.indexOf('<head>'), html.indexOf('</head>'));
    expect(head).toContain('<link rel="stylesheet" href="/page.css"/>');
    expect(html.indexOf('/page.css')).toBeLessThan(html.indexOf('<body>'));
  });
});

describe('stylesheet', () => {
  it('is served as CSS with a long cache lifetime and revalidates by ETag', async () => {
    const b = new Browser(server.origin);
    const response = await b.get(STYLESHEET_URL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toContain('.fl-header');
    const etag = response.headers.get('etag')!;
    expect((await b.request(STYLESHEET_URL, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});
