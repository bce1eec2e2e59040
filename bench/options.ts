/**
 * Command line: `npm run bench -- [engine] [scale] [http] [--quick]
 * [--runs=5] [--db=sqlite,postgres] [--flows=hello,splitjoin]`.
 * No part named means all of them.
 */
import type { DbKind } from './db.ts';
import type { FlowName } from './flows.ts';

export type Part = 'engine' | 'scale' | 'http';
export const PARTS: Part[] = ['engine', 'scale', 'http'];

export interface BenchOptions {
  parts: Part[];
  quick: boolean;
  runs: number;
  dbs: DbKind[];
  flows: FlowName[];
  /** Engine throughput: processes per run. */
  sizes: number[];
  /** Processes driven before measuring (JIT, caches), per database. */
  warmup: Record<DbKind, number>;
  /** Processes driven at once on PostgreSQL (SQLite has one writer: 1). */
  pgConcurrency: number;
  /** Scale: tasks and processes bulk-loaded. */
  scaleTasks: number;
  scaleProcesses: number;
  /** Scale: timed executions of each query. */
  scaleSamples: number;
  /** HTTP: seconds per autocannon run, connections. */
  httpSeconds: number;
  httpConnections: number;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T[]): T[] {
  if (!value) return fallback;
  const items = value.split(',').map((s) => s.trim()) as T[];
  for (const item of items) if (!allowed.includes(item)) throw new Error(`unknown value "${item}"; expected one of ${allowed.join(', ')}`);
  return items;
}

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  const parts: Part[] = [];
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const [key, value] = arg.slice(2).split('=', 2) as [string, string | undefined];
      flags.set(key, value ?? 'true');
    } else if ((PARTS as string[]).includes(arg)) {
      parts.push(arg as Part);
    } else {
      throw new Error(`unknown argument "${arg}"; parts are ${PARTS.join(', ')}`);
    }
  }
  const known = ['quick', 'runs', 'db', 'flows', 'sizes', 'concurrency', 'tasks', 'seconds'];
  for (const key of flags.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}`);
  const quick = flags.get('quick') === 'true';
  const num = (key: string, fallback: number) => {
    const value = flags.has(key) ? Number(flags.get(key)) : fallback;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${key} must be a positive number`);
    return value;
  };
  const scaleTasks = num('tasks', quick ? 100_000 : 1_000_000);
  return {
    parts: parts.length ? parts : PARTS,
    quick,
    runs: num('runs', quick ? 1 : 5),
    dbs: list(flags.get('db'), ['sqlite', 'postgres'] as const, ['sqlite', 'postgres']),
    flows: list(flags.get('flows'), ['hello', 'splitjoin'] as const, ['hello', 'splitjoin']),
    sizes: flags.has('sizes') ? flags.get('sizes')!.split(',').map(Number) : quick ? [200, 1_000] : [1_000, 10_000],
    warmup: quick ? { sqlite: 200, postgres: 100 } : { sqlite: 1000, postgres: 300 },
    pgConcurrency: num('concurrency', 16),
    scaleTasks,
    scaleProcesses: Math.round(scaleTasks / 5),
    scaleSamples: quick ? 30 : 100,
    httpSeconds: num('seconds', quick ? 3 : 5),
    httpConnections: 50,
  };
}
