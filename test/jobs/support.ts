/** Helpers for the jobs suite: polling, a clock moved by hand, a logger that keeps lines, engines and workers closed after each test. */
import { afterEach } from 'vitest';
import type { Engine, EngineOptions } from '../../src/index.ts';
import { startWorker, type Worker, type WorkerLogger, type WorkerOptions } from '../../src/jobs/index.ts';
import { engineOn } from '../support/engine.ts';

/** Polls `check` every few ms until it returns something truthy; fails with `what` after `timeout`. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeout = 5_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A clock that stands still until moved: `engine.now` and the worker read it. */
export function manualClock(start = Date.UTC(2030, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export interface RecordingLogger extends WorkerLogger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const note = (level: string) => (message: string, error?: unknown) => {
    lines.push(`${level} ${message}${error ? ` ${(error as Error).message ?? error}` : ''}`);
  };
  return { lines, info: note('info'), warn: note('warn'), error: note('error') };
}

/**
 * Engines and workers for one test, stopped and closed after it (workers
 * first). Workers poll and sweep often and log into `logger`.
 */
export function harness(db: { kind: string; readonly url: string }, flows: EngineOptions['flows']) {
  const url = () => db.url;
  const open: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });
  const logger = recordingLogger();
  afterEach(() => {
    logger.lines.length = 0;
  });
  return {
    logger,
    async engine(options: Partial<EngineOptions> = {}): Promise<Engine> {
      const engine = await engineOn(url(), flows, options);
      open.push(() => engine.close());
      return engine;
    },
    /**
     * Engines that run steps at the same time, as separate processes would.
     * On SQLite they are one engine: better-sqlite3 waits for the write lock
     * synchronously, so a second connection in the same process would block
     * the thread the first needs to commit (separate processes are tested
     * in processes.test.ts).
     */
    async engines(count: number, options: Partial<EngineOptions> = {}): Promise<Engine[]> {
      const first = await this.engine(options);
      const rest = [];
      for (let i = 1; i < count; i++) rest.push(db.kind === 'sqlite' ? first : await this.engine(options));
      return [first, ...rest];
    },
    async worker(engine: Engine, options: WorkerOptions = {}): Promise<Worker> {
      const worker = await startWorker(engine, { pollInterval: 20, sweepInterval: 100, logger, ...options });
      let stopped = false;
      open.push(async () => {
        if (!stopped) await worker.stop();
      });
      return {
        runner: worker.runner,
        async stop() {
          stopped = true;
          await worker.stop();
        },
      };
    },
  };
}
