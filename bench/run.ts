/**
 * `npm run bench -- [engine] [scale] [http] [--quick] [--runs=N]
 * [--db=sqlite,postgres] [--flows=hello,splitjoin] [--sizes=1000,10000]
 * [--concurrency=8] [--tasks=1000000] [--seconds=10]`
 *
 * Runs the selected parts, writes bench/results/results.json (a quick run
 * writes results-quick.json and leaves RESULTS.md alone), redraws the
 * throughput chart and the generated tables in bench/RESULTS.md.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './options.ts';
import { postgresUnavailable, type DbKind } from './db.ts';
import { describeMachine } from './machine.ts';
import { readResults, writeResults } from './results.ts';
import { runEngine } from './engine/index.ts';
import { runScale } from './scale/index.ts';
import { runHttp } from './http/index.ts';
import { throughputChart } from './report/chart.ts';
import { generatedMarkdown, mergeMarkdown } from './report/markdown.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const options = parseOptions(process.argv.slice(2));
const resultsPath = here(options.quick ? './results/results-quick.json' : './results/results.json');
const results = readResults(resultsPath);

let dbs: DbKind[] = options.dbs;
if (dbs.includes('postgres')) {
  const reason = await postgresUnavailable();
  if (reason) {
    log(`skipping PostgreSQL: ${reason}`);
    dbs = dbs.filter((d) => d !== 'postgres');
  }
}

const started = performance.now();
for (const part of options.parts) {
  const partStarted = performance.now();
  // Described per part: the load average says how busy the machine was when the part began.
  const machine = await describeMachine();
  const meta = () => ({ machine, options: { ...options, dbs }, seconds: (performance.now() - partStarted) / 1000 });
  if (part === 'engine') {
    const cases = await runEngine(options, dbs, log);
    results.engine = { ...meta(), cases };
  } else if (part === 'scale') {
    const scale = await runScale(options, dbs, log);
    results.scale = { ...meta(), results: scale };
  } else {
    const result = await runHttp(options, dbs, log);
    results.http = { ...meta(), result };
  }
  writeResults(resultsPath, results);
  log(`${part} done in ${((performance.now() - partStarted) / 1000).toFixed(0)} s`);
}

const chart = options.quick ? 'results/throughput-quick.svg' : 'results/throughput.svg';
if (results.engine) {
  mkdirSync(here('./results'), { recursive: true });
  writeFileSync(here(`./${chart}`), throughputChart(results.engine.cases));
}
const generated = generatedMarkdown(results, chart);
if (options.quick) {
  console.log(generated);
} else {
  const path = here('./RESULTS.md');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '# Flowlane benchmarks\n';
  writeFileSync(path, mergeMarkdown(existing, generated));
}
log(`all done in ${((performance.now() - started) / 1000).toFixed(0)} s; results in ${resultsPath}`);
