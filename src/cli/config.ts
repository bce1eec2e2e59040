/**
 * What the commands need to know about an application: its database URL
 * and its flows. Read from `flowlane.config.ts` (or `--config FILE`), which
 * default-exports `defineConfig({...})`; the database URL can also come from
 * `--database` or FLOWLANE_DATABASE_URL.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FlowClass } from '../flow/flow.ts';

export interface FlowlaneConfig {
  database?: string;
  flows?: FlowClass[];
}

export function defineConfig(config: FlowlaneConfig): FlowlaneConfig {
  return config;
}

export const DEFAULT_DATABASE = 'sqlite:./flowlane.db';

/** Splits `--name value` / `--flag` options from positional arguments. */
export function parseArgs(args: string[]): { options: Record<string, string | true>; positional: string[] } {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      const next = args[i + 1];
      if (inline !== undefined) options[key] = inline;
      else if (next !== undefined && !next.startsWith('--')) {
        options[key] = next;
        i++;
      } else options[key] = true;
    } else positional.push(arg);
  }
  return { options, positional };
}

export async function loadConfig(options: Record<string, string | true>): Promise<Required<FlowlaneConfig>> {
  const file = typeof options.config === 'string' ? options.config : 'flowlane.config.ts';
  const path = resolve(file);
  let config: FlowlaneConfig = {};
  if (existsSync(path)) {
    config = ((await import(pathToFileURL(path).href)) as { default?: FlowlaneConfig }).default ?? {};
  } else if (typeof options.config === 'string') {
    throw new Error(`config file ${file} not found`);
  }
  const database =
    (typeof options.database === 'string' ? options.database : undefined) ??
    process.env.FLOWLANE_DATABASE_URL ??
    config.database ??
    DEFAULT_DATABASE;
  return { database, flows: config.flows ?? [] };
}
