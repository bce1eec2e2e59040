/**
 * The results file: each part's latest figures with the machine and
 * options they were measured with. A run of some parts replaces only
 * those parts, so `npm run bench -- scale` keeps the engine figures.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineCase } from './engine/index.ts';
import type { ScaleResult } from './scale/index.ts';
import type { HttpResult } from './http/index.ts';
import type { Machine } from './machine.ts';

export interface PartMeta {
  machine: Machine;
  options: Record<string, unknown>;
  seconds: number;
}

export interface Results {
  engine?: PartMeta & { cases: EngineCase[] };
  scale?: PartMeta & { results: ScaleResult[] };
  http?: PartMeta & { result: HttpResult };
}

export function readResults(path: string): Results {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Results) : {};
}

export function writeResults(path: string, results: Results): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(results, null, 1) + '\n');
}
