/**
 * Runs calls at the same moment from several worker processes (see
 * worker.ts): real parallelism, each with its own engine, connections and
 * (for SQLite) its own file handle.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DatabaseSettings } from '../../../src/index.ts';

export interface UserJson {
  id: number;
  username: string;
  superuser?: boolean;
}

/** One engine call; `after` delays it by that many ms past the shared start instant. */
export type Call = { after?: number } & (
  | { op: 'runHandle'; taskId: number; args?: unknown[] }
  | { op: 'assign'; taskId: number; user: UserJson }
  | { op: 'execute'; taskId: number; user: UserJson }
  | { op: 'cancelProcess'; processId: number; user: UserJson }
);

export type Outcome =
  | { ok: true; began: number; ended: number }
  | { ok: false; began: number; ended: number; error: { name: string; code: string; message: string } };

export interface RacerConfig {
  url: string;
  redisUrl: string;
  redisPrefix: string;
  settings?: DatabaseSettings;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

class Racer {
  private readonly waiting = new Map<number, (answer: Outcome[] | Error) => void>();
  private stderrText = '';
  readonly ready: Promise<void>;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (chunk) => (this.stderrText += chunk));
    this.ready = new Promise((resolve, reject) => {
      child.once('exit', (code) => {
        const error = new Error(`racer exited (${code}):\n${this.stderr}`);
        reject(error);
        for (const settle of this.waiting.values()) settle(error);
        this.waiting.clear();
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line === 'ready') return resolve();
        if (!line.startsWith('{')) return;
        const { id, outcomes } = JSON.parse(line) as { id: number; outcomes: Outcome[] };
        this.waiting.get(id)?.(outcomes);
        this.waiting.delete(id);
      });
    });
  }

  static async start(config: RacerConfig): Promise<Racer> {
    const racer = new Racer(spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { cwd: ROOT }));
    await racer.ready;
    return racer;
  }

  get stderr(): string {
    return this.stderrText;
  }

  send(id: number, at: number, calls: Call[]): Promise<Outcome[]> {
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (answer) => (answer instanceof Error ? reject(answer) : resolve(answer)));
      this.child.stdin.write(`${JSON.stringify({ id, at, calls })}\n`);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}

export class Racers {
  private nextId = 1;

  private constructor(readonly racers: Racer[]) {}

  static async start(count: number, config: RacerConfig): Promise<Racers> {
    return new Racers(await Promise.all(Array.from({ length: count }, () => Racer.start(config))));
  }

  /** Deals `calls` round-robin over the racers and fires them all at one instant;
   * outcomes come back in the order of `calls`. */
  async race(calls: Call[]): Promise<Outcome[]> {
    const id = this.nextId++;
    const at = Date.now() + 50;
    const shares = this.racers.map((_, r) => calls.filter((_, i) => i % this.racers.length === r));
    const answers = await Promise.all(this.racers.map((racer, r) => racer.send(id, at, shares[r]!)));
    return calls.map((_, i) => answers[i % this.racers.length]![Math.floor(i / this.racers.length)]!);
  }

  /** What the racers wrote to stderr (lock warnings, crashes). */
  get stderr(): string {
    return this.racers.map((r) => r.stderr).join('');
  }

  async stop(): Promise<void> {
    await Promise.all(this.racers.map((r) => r.stop()));
  }
}
