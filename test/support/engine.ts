/**
 * Engine fixtures: an engine per test on the file's database, closed
 * after the test, and users with given permissions.
 */
import { createEngine, type Engine, type EngineOptions, type FlowUser } from '../../src/index.ts';

let nextUserId = 1000;

export function user(username: string, options: { permissions?: string[]; groups?: string[]; superuser?: boolean; id?: number } = {}): FlowUser {
  return {
    id: options.id ?? nextUserId++,
    username,
    isSuperuser: options.superuser ?? false,
    permissions: new Set(options.permissions ?? []),
    groups: new Set(options.groups ?? []),
  };
}

export async function engineOn(url: string, flows: EngineOptions['flows'], options: Partial<EngineOptions> = {}): Promise<Engine> {
  return createEngine({ database: url, flows, ...options });
}
