/** Ids from the URL and lookups that may find nothing: both end in 404, never 500. */
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import type { TaskEnv } from './env.ts';

/** A numeric route parameter; anything else is a 404. */
export function idParam(c: Context, name: 'process_pk' | 'task_pk'): number {
  const value = c.req.param(name) ?? '';
  if (!/^\d{1,15}$/.test(value)) throw new NotFoundError(`No such ${name === 'task_pk' ? 'task' : 'process'}: "${value}"`);
  return Number(value);
}

/** The lookup's value, or undefined when the engine says it does not exist. */
export function ifFound<T>(lookup: Promise<T>): Promise<T | undefined> {
  return lookup.catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
}

/**
 * Where a request reads from. Inside a task view's step that is the step's
 * transaction: SQLite has a single connection, and a read beside the open
 * transaction would wait for it forever (elsewhere it would miss the
 * step's own writes).
 */
export function readerOf(c: Context<any>): Kysely<Database> {
  const web = c as Context<TaskEnv>;
  return web.var.taskContext?.step.trx ?? web.var.flowlane.engine.database.db;
}
