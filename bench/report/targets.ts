/** The targets, checked against a result set. */
import type { Results } from '../results.ts';
import { FLOWS } from '../flows.ts';

export interface Check {
  target: string;
  holds: boolean | undefined;
  measured: string;
}

const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function checkTargets(results: Results): Check[] {
  const checks: Check[] = [];
  const engine = results.engine?.cases ?? [];
  const cases = (db: string, flow: string) => engine.filter((c) => c.db === db && c.flow === flow);
  const all = <T>(list: T[], ok: (x: T) => boolean) => (list.length ? list.every(ok) : undefined);

  const hello = cases('sqlite', 'hello');
  checks.push({
    target: 'hello world on SQLite ≥ 3,000 processes/s',
    holds: all(hello, (c) => c.flowlane.processesPerSecond >= 3000),
    measured: hello.map((c) => `N=${fmt(c.n)}: ${fmt(c.flowlane.processesPerSecond)}/s`).join('; '),
  });
  const sj = cases('sqlite', 'splitjoin');
  checks.push({
    target: 'split/join on SQLite ≥ 1,000 processes/s',
    holds: all(sj, (c) => c.flowlane.processesPerSecond >= 1000),
    measured: sj.map((c) => `N=${fmt(c.n)}: ${fmt(c.flowlane.processesPerSecond)}/s`).join('; '),
  });
  const helloAll = engine.filter((c) => c.flow === 'hello');
  checks.push({
    target: '≤ 10 data statements per hello-world process',
    holds: all(helloAll, (c) => c.flowlane.perProcess.data <= 10),
    measured: [...new Set(helloAll.map((c) => `${c.db} ${fmt(c.flowlane.perProcess.data, 2)}`))].join('; '),
  });
  checks.push({
    target: 'one transaction per outside event',
    holds: all(engine, (c) => Math.abs(c.flowlane.perProcess.transactions - (1 + FLOWS[c.flow].handles)) < 0.01),
    measured: [...new Set(engine.map((c) => `${c.flow} ${fmt(c.flowlane.perProcess.transactions, 2)} per ${1 + FLOWS[c.flow].handles} events`))].join('; '),
  });
  for (const [db, limit] of [
    ['sqlite', 2],
    ['postgres', 2.5],
  ] as const) {
    const list = engine.filter((c) => c.db === db);
    checks.push({
      target: `within ${limit}× of the floor on ${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
      holds: all(list, (c) => c.overFloor <= limit),
      measured: list.map((c) => `${c.flow} N=${fmt(c.n)}: ${fmt(c.overFloor, 2)}×`).join('; '),
    });
  }
  const pg = results.scale?.results.find((r) => r.db === 'postgres');
  const reads = pg?.reads.filter((r) => r.name === 'inbox' || r.name === 'queue') ?? [];
  checks.push({
    target: `inbox and queue p95 < 10 ms at ${fmt(pg?.load.tasks ?? 1_000_000)} tasks on PostgreSQL`,
    holds: all(reads, (r) => r.p95 < 10),
    measured: reads.map((r) => `${r.name} ${fmt(r.p95, 1)} ms`).join('; '),
  });
  const scans = (results.scale?.results ?? []).flatMap((r) => r.reads.flatMap((q) => q.plans.filter((p) => p.fullTaskScan).map(() => `${r.db} ${q.name}`)));
  checks.push({
    target: 'no full scan of the task table in any read',
    holds: results.scale ? scans.length === 0 : undefined,
    measured: scans.length ? `full scans: ${[...new Set(scans)].join(', ')}` : results.scale ? 'none' : '',
  });
  // Memory: the JS heap a run leaves (after a full GC) must not grow with N.
  const flat: string[] = [];
  let flatHolds: boolean | undefined;
  for (const key of new Set(engine.map((c) => `${c.db} ${c.flow}`))) {
    const list = engine.filter((c) => `${c.db} ${c.flow}` === key).sort((a, b) => a.n - b.n);
    if (list.length < 2) continue;
    const [small, large] = [list[0]!, list[list.length - 1]!];
    const ok = large.flowlane.heapAfterGcMB <= small.flowlane.heapAfterGcMB * 1.1 + 2;
    flatHolds = (flatHolds ?? true) && ok;
    flat.push(`${key}: heap ${fmt(small.flowlane.heapAfterGcMB, 1)} → ${fmt(large.flowlane.heapAfterGcMB, 1)} MB (RSS ${fmt(small.flowlane.peakRssMB)} → ${fmt(large.flowlane.peakRssMB)})`);
  }
  checks.push({ target: 'memory flat in N (JS heap after GC at the largest N within 10% + 2 MB of the smallest)', holds: flatHolds, measured: flat.join('; ') });
  return checks;
}
