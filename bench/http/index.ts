/**
 * Part 4: the web app under load. A child process serves the app (see
 * server.ts); autocannon, here, sends 50 connections at it: the inbox page,
 * the start-process POST and the execute-task POST (each request a
 * different assigned task). Requests/s, p50 and p99 latency; a response
 * other than the page (200) or the redirect after a POST (303) is an error.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchOptions } from '../options.ts';
import type { DbKind } from '../db.ts';
import type { ServerInfo, ServerInput } from './server.ts';

export interface HttpRoute {
  name: string;
  what: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and responses with an unexpected status. */
  errors: number;
  statuses: Record<string, number>;
}

export type HttpResult = { pending: string } | { db: DbKind; connections: number; seconds: number; runs: Array<{ db: DbKind; routes: HttpRoute[] }> };

function startServer(input: ServerInput): Promise<{ info: ServerInfo; stop: () => Promise<void> }> {
  const path = fileURLToPath(new URL('./server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Only a whole line: the info can arrive in several chunks.
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('BENCH-SERVER '));
      if (!line) return;
      const info = JSON.parse(line.slice('BENCH-SERVER '.length)) as ServerInfo;
      resolve({
        info,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`the bench web server exited with ${code}: ${out.slice(0, 2000)}`)));
  });
}

interface Load {
  name: string;
  what: string;
  expect: number;
  options: autocannon.Options;
}

async function fire(load: Load): Promise<HttpRoute> {
  const result = await autocannon({ ...load.options, connections: load.options.connections });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) {
    statuses[code] = stat.count;
  }
  const unexpected = Object.entries(statuses).reduce((n, [code, count]) => n + (Number(code) === load.expect ? 0 : count), 0);
  return {
    name: load.name,
    what: load.what,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
    statuses,
  };
}

export async function runHttp(options: BenchOptions, dbs: DbKind[], log: (line: string) => void): Promise<HttpResult> {
  const connections = options.httpConnections;
  const seconds = options.httpSeconds;
  const runs: Array<{ db: DbKind; routes: HttpRoute[] }> = [];
  for (const db of dbs) {
    const input: ServerInput = { db, users: 100, tasksPerUser: 20 };
    const { info, stop } = await startServer(input);
    try {
      const form = (user: number, fields: Record<string, string>) => new URLSearchParams({ ...fields, _csrf: info.users[user]!.csrf }).toString();
      const formType = { 'content-type': 'application/x-www-form-urlencoded' };
      // Requests rotate over the users, each with its own session.
      let n = 0;
      const asNextUser = (request: autocannon.Request, body?: (user: number) => string): autocannon.Request => {
        const user = n++ % info.users.length;
        return { ...request, headers: { ...request.headers, cookie: info.users[user]!.cookie }, ...(body ? { body: body(user) } : {}) };
      };
      let next = 0;
      const loads: Load[] = [
        {
          name: 'inbox',
          what: `GET ${info.inboxPath} (${input.tasksPerUser} tasks in each of ${input.users} users' inboxes at first)`,
          expect: 200,
          options: { url: info.origin + info.inboxPath, duration: seconds, requests: [{ setupRequest: (r) => asNextUser(r) }] },
        },
        {
          name: 'start',
          what: `POST ${info.startPath} (create a process from the form; 303)`,
          expect: 303,
          options: {
            url: info.origin + info.startPath,
            method: 'POST',
            headers: formType,
            duration: seconds,
            requests: [{ setupRequest: (r) => asNextUser(r, (user) => form(user, { text: 'Hello from autocannon' })) }],
          },
        },
        {
          name: 'execute',
          what: 'POST …/approve/<task>/execute (approve an assigned task as its owner, a different task per request; 303)',
          expect: 303,
          options: {
            url: info.origin,
            method: 'POST',
            headers: formType,
            amount: info.executes.length,
            requests: [
              {
                setupRequest: (request) => {
                  const { path, user } = info.executes[next++ % info.executes.length]!;
                  return { ...request, path, headers: { ...request.headers, cookie: info.users[user]!.cookie }, body: form(user, { approved: 'on' }) };
                },
              },
            ],
          },
        },
      ];
      // Warm the server (JIT, caches) on the page before anything is measured.
      await autocannon({ ...loads[0]!.options, duration: 1, connections });
      n = 0;
      const routes: HttpRoute[] = [];
      for (const load of loads) {
        const route = await fire({ ...load, options: { ...load.options, connections } });
        log(`http ${db} ${route.name}: ${route.requestsPerSecond.toFixed(0)} req/s, p99 ${route.p99} ms, errors ${route.errors}`);
        routes.push(route);
      }
      runs.push({ db, routes });
    } finally {
      await stop();
    }
  }
  return { db: dbs[0]!, connections, seconds, runs };
}
