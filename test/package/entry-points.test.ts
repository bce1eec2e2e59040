import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, string>; bin: Record<string, string> };

describe('package entry points', () => {
  it.each(Object.entries(pkg.exports))('"%s" names a module that exists and loads', async (entry, target) => {
    expect(existsSync(`${root}${target}`), `${entry} → ${target}`).toBe(true);
    const module = (await import(`${root}${target}`)) as Record<string, unknown>;
    expect(Object.keys(module).length, `${entry} exports something`).toBeGreaterThan(0);
  });

  it.each(Object.entries(pkg.bin))('bin "%s" exists', (name, target) => {
    expect(existsSync(`${root}${target}`), `${name} → ${target}`).toBe(true);
  });
});
