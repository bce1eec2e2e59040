/**
 * PostgreSQL parses and plans every statement Kysely sends (unnamed
 * statements of the extended protocol). The engine's step statements have
 * fixed texts (query shapes, see shapes.ts), so each pooled client runs
 * those as named prepared statements instead: prepared once per connection,
 * then only bound and executed. Other SQL passes through unchanged.
 *
 * Named statements live in the server session, so a pooler that shares
 * server sessions between clients (PgBouncer in transaction mode) must not
 * see them: turn them off there with `postgresPreparedStatements: false`.
 */
import type pg from 'pg';
import { shapeStatementNames } from './shapes.ts';

const NAMED = Symbol('flowlane.namedStatements');

export function runShapesAsNamedStatements(client: pg.ClientBase): void {
  const patched = client as pg.ClientBase & { [NAMED]?: true };
  if (patched[NAMED]) return;
  patched[NAMED] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && callback === undefined) {
      const name = shapeStatementNames.get(text);
      if (name) return query({ name, text, values });
    }
    return callback === undefined ? (values === undefined ? query(text) : query(text, values)) : query(text, values, callback);
  }) as typeof client.query;
}
