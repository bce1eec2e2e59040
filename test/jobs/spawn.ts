/** Worker processes for processes.test.ts: `flowlane worker` on the fixture config, and scripts run under tsx. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '../support/databases.ts';
import { waitFor } from './support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  pid: number;
  output(): string;
  /** Sends `signal` (default SIGTERM: a graceful stop) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnWorker(args: string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['bin/flowlane.mjs', 'worker', '--config', 'test/jobs/fixtures/flowlane.config.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  await waitFor('a worker process to start', () => output.includes('ready') || !alive(), 30_000);
  if (!alive()) throw new Error(`worker process exited at start:\n${output}`);
  return {
    pid: child.pid!,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (alive()) child.kill(signal);
      await exited;
    },
  };
}

/** Runs a TypeScript file in a child process; resolves with how it ended. */
export function runScript(file: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, output })));
}

/** Why Redis cannot be used, or undefined when it can. */
export async function redisUnavailable(): Promise<string | undefined> {
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `redis at ${REDIS_URL} is not reachable (${(error as Error).message})`;
  } finally {
    client.disconnect();
  }
}
