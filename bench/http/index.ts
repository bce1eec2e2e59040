/**
 * Part 4: the web app under load (autocannon, 50 connections): the inbox
 * page, the start-process POST and the execute-task POST.
 * Pending until src/web exports an app factory.
 */
import type { BenchOptions } from '../options.ts';

export interface HttpRoute {
  name: string;
  what: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export type HttpResult = { pending: string } | { routes: HttpRoute[]; connections: number; seconds: number; db: string };

export async function runHttp(_options: BenchOptions, log: (line: string) => void): Promise<HttpResult> {
  const web = (await import('../../src/web/index.ts')) as Record<string, unknown>;
  const factory = ['createApp', 'createWebApp', 'workflowApp'].find((name) => typeof web[name] === 'function');
  if (!factory) {
    const pending = 'src/web/index.ts exports no app factory yet';
    log(`http: pending (${pending})`);
    return { pending };
  }
  return { pending: `app factory ${factory} found; the HTTP benchmark is not wired to it yet` };
}
