/**
 * Runs a measurement in a child Node process, so that its peak RSS is its
 * own and no JIT or heap state carries over from the run before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MARK = 'BENCH-RESULT ';

export function runChild<T>(script: string, input: unknown, extraNodeArgs: string[] = []): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', ...extraNodeArgs, path, JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) reject(new Error(`${script} exited with ${code}\n${out}`));
      else resolve(JSON.parse(line.slice(MARK.length)) as T);
    });
  });
}

/** In the child: reads the input, runs `fn`, prints the result for the parent. */
export async function childMain<I, O>(fn: (input: I) => Promise<O>): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as I;
  const output = await fn(input);
  process.stdout.write(`${MARK}${JSON.stringify(output)}\n`);
}

/**
 * A child process that stays up and answers requests one at a time: the
 * engine part keeps Flowlane and the floor in two of them and drives them
 * alternately, a chunk each, so that both see the same machine.
 */
export class ChildSession<Request, Response> {
  private pending: { resolve: (value: Response) => void; reject: (error: Error) => void } | undefined;
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { ok?: Response; error?: string }) => {
      const waiting = this.pending;
      this.pending = undefined;
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.ok as Response);
    });
    child.on('exit', (code) => {
      this.exited = new Error(`bench child exited with ${code}`);
      this.pending?.reject(this.exited);
      this.pending = undefined;
    });
  }

  static start<Request, Response>(script: string, extraNodeArgs: string[] = []): ChildSession<Request, Response> {
    const path = fileURLToPath(new URL(script, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', ...extraNodeArgs, path], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ChildSession<Request, Response>(child);
  }

  request(message: Request): Promise<Response> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.pending) return Promise.reject(new Error('one request at a time'));
    return new Promise<Response>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(message as object);
    });
  }

  /** Stops the child (after its last answer, or to abandon it). */
  stop(): void {
    if (!this.exited) this.child.kill();
  }
}

/** In a session child: answers each request with `handle`'s result or error. */
export function serveSession<Request, Response>(handle: (request: Request) => Promise<Response>): void {
  process.on('message', (request: Request) => {
    handle(request).then(
      (ok) => process.send!({ ok }),
      (error: unknown) => process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
