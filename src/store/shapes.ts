/**
 * Kysely builds and compiles a query object on every call; on the step's
 * hot path that took longer than SQLite running the statement. A step's
 * statements come in few shapes (an INSERT of n rows, an UPDATE of these
 * columns for k ids, …), so each shape is compiled by Kysely once, per
 * database, and its SQL text is reused with the parameters laid out here.
 *
 * The first compile of a shape also checks that Kysely put the parameters
 * in the order the caller gave them, so a layout mistake fails loudly on
 * first use instead of writing a value into the wrong column.
 */
import { CompiledQuery, RawNode, type Compilable, type DatabaseConnection, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/** Shapes kept; keys vary with row and id counts, so bound them. */
const MAX_SHAPES = 1000;

/**
 * SQL text of every shape, with a statement name: drivers that can keep
 * named prepared statements per connection (PostgreSQL, see
 * pg-statements.ts) run these by name, so the server parses and plans each
 * shape once per connection. Shapes are few and their texts fixed.
 */
export const shapeStatementNames = new Map<string, string>();

export class QueryShapes {
  private readonly texts = new Map<string, Shape>();

  /**
   * Runs the query of shape `key` with `parameters`. `build` makes the same
   * query with Kysely; it is called only the first time the shape is seen.
   */
  async run<R>(db: Kysely<Database>, key: string, parameters: readonly unknown[], build: () => Compilable<R>): Promise<QueryResult<R>> {
    let shape = this.texts.get(key);
    if (shape === undefined) {
      const compiled = build().compile();
      if (!sameParameters(compiled.parameters, parameters)) {
        throw new Error(`flowlane: query shape "${key}" lays out its parameters unlike Kysely: ${compiled.sql}`);
      }
      shape = { sql: compiled.sql, node: RawNode.createWithSql(compiled.sql) };
      if (this.texts.size >= MAX_SHAPES) this.texts.delete(this.texts.keys().next().value!);
      this.texts.set(key, shape);
      if (!shapeStatementNames.has(shape.sql) && shapeStatementNames.size < MAX_SHAPES) {
        shapeStatementNames.set(shape.sql, `flowlane_${shapeStatementNames.size + 1}`);
      }
    }
    const connection = connectionOf(db);
    if (!connection) return db.executeQuery(CompiledQuery.raw(shape.sql, parameters as unknown[]) as CompiledQuery<R>);
    // Drivers read only `sql` and `parameters`. `CompiledQuery.raw` would
    // also freeze two objects and draw a random query id, for plugins, which
    // the direct path never has.
    const query: CompiledQuery<R> = { sql: shape.sql, parameters, query: shape.node, queryId: SHAPE_QUERY_ID };
    return (await connection).executeQuery<R>(query);
  }
}

interface Shape {
  sql: string;
  node: RawNode;
}

const SHAPE_QUERY_ID = { queryId: 'flowlane-shape' } as const;

/**
 * A transaction's own connection, to run a step's statements on directly.
 * Kysely routes every query of a transaction through a fresh executor, a
 * connection mutex and several async layers, about as costly in time and
 * garbage as SQLite running the statement. Only for a transaction without
 * plugins (there is nothing to transform): it holds one connection, which
 * is the one the step's statements must use anyway.
 */
const connections = new WeakMap<Kysely<Database>, Promise<DatabaseConnection>>();

function connectionOf(db: Kysely<Database>): Promise<DatabaseConnection> | undefined {
  if (!db.isTransaction || db.getExecutor().plugins.length > 0) return undefined;
  let connection = connections.get(db);
  if (!connection) {
    connection = db.getExecutor().provideConnection(async (c) => c);
    connections.set(db, connection);
  }
  return connection;
}

function sameParameters(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
