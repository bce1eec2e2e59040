/**
 * Runs a measurement in a child Node process, so that its peak RSS is its
 * own and no JIT or heap state carries over from the run before.
 */
import { spawn } from 'node:child_process';
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
