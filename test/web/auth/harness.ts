/** Real parts for the auth tests: a migrated SQLite file, an HTTP server on a free port, a cookie-keeping client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { openDatabase, type OpenDatabase } from '../../../src/store/connect.ts';
import { migrate } from '../../../src/store/migrate.ts';

export interface TempDatabase {
  database: OpenDatabase;
  url: string;
  cleanup(): Promise<void>;
}

export async function tempDatabase(): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlane-auth-'));
  const url = `sqlite:${join(dir, 'test.db')}`;
  const database = await openDatabase(url);
  await migrate(database);
  return {
    database,
    url,
    async cleanup() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  origin: string;
  close(): Promise<void>;
}

export function startServer(app: Hono<any>): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

export interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair, ...attrs] = header.split(';').map((part) => part.trim());
  const eq = pair!.indexOf('=');
  const attributes = new Map<string, string>();
  for (const attr of attrs) {
    const [key, value = ''] = attr.split('=');
    attributes.set(key!.toLowerCase(), value);
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes };
}

/** A minimal browser: keeps cookies, never follows redirects, reads the CSRF token out of forms. */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** The Set-Cookie headers of the last response, by cookie name. */
  lastSetCookies = new Map<string, SetCookie>();

  constructor(private readonly origin: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(this.origin + path, { ...init, headers, redirect: 'manual' });
    this.lastSetCookies = new Map();
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      this.lastSetCookies.set(cookie.name, cookie);
      if (cookie.attributes.get('max-age') === '0') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  get(path: string): Promise<Response> {
    return this.request(path);
  }

  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers });
  }

  /** Loads a page and returns the value of its first `_csrf` field. */
  async csrfFrom(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no _csrf field on ${path}`);
    return token;
  }

  async login(username: string, password: string, path = '/accounts/login'): Promise<Response> {
    const _csrf = await this.csrfFrom(path);
    return this.post(path, { _csrf, username, password });
  }
}
