/**
 * Counts the SQL statements that reach the database, split into data
 * statements and transaction control, by wrapping a dialect's driver.
 * Tests budget steps with it; the benchmarks report it.
 */
import type { DatabaseConnection, Dialect, Driver, QueryResult, CompiledQuery, TransactionSettings } from 'kysely';

export interface StatementCounts {
  data: number;
  control: number;
  select: number;
  insert: number;
  update: number;
  delete: number;
}

const CONTROL = /^\s*(begin|commit|rollback|start transaction|savepoint|release|set transaction)\b/i;

type Kind = 'control' | 'select' | 'insert' | 'update' | 'delete' | 'other';

/** Kinds by SQL text: a step sends the same few texts over and over. */
const kinds = new Map<string, Kind>();
const MAX_KINDS = 1000;

function kindOf(sql: string): Kind {
  let kind = kinds.get(sql);
  if (kind !== undefined) return kind;
  if (CONTROL.test(sql)) kind = 'control';
  else {
    const verb = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toLowerCase();
    kind = verb === 'select' || verb === 'insert' || verb === 'update' || verb === 'delete' ? verb : 'other';
  }
  if (kinds.size >= MAX_KINDS) kinds.delete(kinds.keys().next().value!);
  kinds.set(sql, kind);
  return kind;
}

export class StatementCounter {
  counts: StatementCounts = StatementCounter.zero();
  /** Statements as sent, newest last; kept only while `recording` is on. */
  recorded: string[] = [];
  recording = false;

  static zero(): StatementCounts {
    return { data: 0, control: 0, select: 0, insert: 0, update: 0, delete: 0 };
  }

  reset(): void {
    this.counts = StatementCounter.zero();
    this.recorded = [];
  }

  note(sql: string): void {
    if (this.recording) this.recorded.push(sql);
    const kind = kindOf(sql);
    if (kind === 'control') {
      this.counts.control++;
      return;
    }
    this.counts.data++;
    if (kind !== 'other') this.counts[kind]++;
  }

  /** Runs `fn` and returns the statements it sent. */
  async measure(fn: () => Promise<unknown>): Promise<StatementCounts> {
    const before = { ...this.counts };
    await fn();
    const after = this.counts;
    return {
      data: after.data - before.data,
      control: after.control - before.control,
      select: after.select - before.select,
      insert: after.insert - before.insert,
      update: after.update - before.update,
      delete: after.delete - before.delete,
    };
  }
}

class CountingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly counter: StatementCounter,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.counter.note(query.sql);
    return this.inner.executeQuery(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    this.counter.note(query.sql);
    return this.inner.streamQuery(query, chunkSize);
  }
}

class CountingDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, CountingConnection>();
  constructor(
    private readonly inner: Driver,
    private readonly counter: StatementCounter,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.inner.acquireConnection();
    let wrapper = this.wrapped.get(conn);
    if (!wrapper) {
      wrapper = new CountingConnection(conn, this.counter);
      this.wrapped.set(conn, wrapper);
    }
    return wrapper;
  }
  // The inner driver issues BEGIN/COMMIT through the connection it is given,
  // so handing it the wrapper counts transaction control too.
  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(conn, settings);
  }
  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(conn);
  }
  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(conn);
  }
  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((conn as CountingConnection).inner);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
  savepoint?(conn: DatabaseConnection, name: string, compile: any): Promise<void> {
    return (this.inner as any).savepoint(conn, name, compile);
  }
  rollbackToSavepoint?(conn: DatabaseConnection, name: string, compile: any): Promise<void> {
    return (this.inner as any).rollbackToSavepoint(conn, name, compile);
  }
  releaseSavepoint?(conn: DatabaseConnection, name: string, compile: any): Promise<void> {
    return (this.inner as any).releaseSavepoint(conn, name, compile);
  }
}

export function countingDialect(inner: Dialect, counter: StatementCounter): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new CountingDriver(inner.createDriver(), counter),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}
