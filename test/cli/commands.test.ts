import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createEngine } from '../../src/index.ts';

const run = promisify(execFile);
const BIN = resolve('bin/flowlane.mjs');
const SRC = resolve('src/index.ts');

async function flowlane(cwd: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const flowSource = (nodes: string) => `
import { Flow, flow, self, defineConfig } from ${JSON.stringify(SRC)};
export class Orders extends Flow {
  static label = 'orders';
  ${nodes}
}
export default defineConfig({ database: 'sqlite:./app.db', flows: [Orders] });
`;

describe('flowlane CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowlane-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, checks flows, and renames stored tasks in one transaction', async () => {
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
    writeFileSync(join(dir, 'flowlane.config.ts'), flowSource(`start = flow.StartHandle().Next(self.pack); pack = flow.Handle().Next(self.end); end = flow.End();`));
    expect(await flowlane(dir, 'migrate')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^applied: 001_core, 002_auth/) });
    expect(await flowlane(dir, 'migrate')).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    expect((await flowlane(dir, 'check')).stdout).toContain('ok  orders');

    const { Orders } = (await import(join(dir, 'flowlane.config.ts'))) as { Orders: never };
    const engine = await createEngine({ database: `sqlite:${join(dir, 'app.db')}`, flows: [Orders] });
    const process = await engine.start(Orders, 'start' as never);
    await engine.close();

    writeFileSync(join(dir, 'flowlane.config.ts'), flowSource(`start = flow.StartHandle().Next(self.packGoods); packGoods = flow.Handle().Next(self.end); end = flow.End();`));
    const refused = await flowlane(dir, 'rename-task', 'orders', 'pack', 'packing');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Flow orders has no node "packing"; rename it in the flow class first');

    expect(await flowlane(dir, 'rename-task', 'orders', 'pack', 'packGoods')).toMatchObject({
      code: 0,
      stdout: 'renamed 1 task of orders from "pack" to "packGoods"\n',
    });
    const check = await createEngine({ database: `sqlite:${join(dir, 'app.db')}`, flows: [Orders] });
    try {
      const tasks = await check.getTasks(process.id);
      expect(tasks.map((t) => t.node)).toEqual(['start', 'packGoods']);
    } finally {
      await check.close();
    }
  });

  it('reports an invalid flow with flow and node named, and unknown commands', async () => {
    writeFileSync(join(dir, 'bad.config.ts'), flowSource(`start = flow.StartHandle().Next(self.missing); end = flow.End();`));
    const bad = await flowlane(dir, 'check', '--config', 'bad.config.ts');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('flow Orders, node "start": next refers to unknown node self.missing');
    const unknown = await flowlane(dir, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it('answers --help for every command with its usage, and shows it after an unknown option', async () => {
    for (const name of ['migrate', 'rename-task', 'check', 'serve', 'user', 'worker']) {
      const help = await flowlane(dir, name, '--help');
      expect(help, name).toMatchObject({ code: 0, stdout: expect.stringContaining(`Usage: flowlane ${name}`) });
    }
    const bogus = await flowlane(dir, 'serve', '--bogus');
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/flowlane serve: Unknown option '--bogus'[\s\S]*Usage: flowlane serve \[--port N\]/);
  });
});
