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

// SQLite's `pragma data_version` reads a counter of the connection, no rows
// (see engine/state-cache.ts): it is counted with transaction control.
const CONTROL = /^\s*(begin|commit|rollback|start transaction|savepoint|release|set transaction|pragma data_version)\b/i;

type Kind = 'control' | 'select' | 'insert' | 'update' | 'delete' | 'other';

interface Classified {
  kind: Kind;
  /** Writes rows of the process or task table (or might: `other`). */
  writesState: boolean;
}

/** Kinds by SQL text: a step sends the same few texts over and over. */
const kinds = new Map<string, Classified>();
const MAX_KINDS = 1000;

const STATE_TABLE = /flowlane_(process|task)\b/i;

function classify(sql: string): Classified {
  let found = kinds.get(sql);
  if (found !== undefined) return found;
  let kind: Kind;
  if (CONTROL.test(sql)) kind = 'control';
  else {
    const verb = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toLowerCase();
    kind = verb === 'select' || verb === 'insert' || verb === 'update' || verb === 'delete' ? verb : 'other';
  }
  const writes = kind === 'insert' || kind === 'update' || kind === 'delete' || kind === 'other';
  found = { kind, writesState: writes && STATE_TABLE.test(sql) };
  if (kinds.size >= MAX_KINDS) kinds.delete(kinds.keys().next().value!);
  kinds.set(sql, found);
  return found;
}

export class StatementCounter {
  counts: StatementCounts = StatementCounter.zero();
  /** Statements as sent, newest last; kept only while `recording` is on. */
  recorded: string[] = [];
  recording = false;
  /** Statements that wrote (or may have written) process or task rows
   * outside a step's own flush: what the SQLite state cache must not miss. */
  foreignStateWrites = 0;
  /** Set while a step's unit of work writes: those writes are the step's own. */
  stepWriting = false;

  static zero(): StatementCounts {
    return { data: 0, control: 0, select: 0, insert: 0, update: 0, delete: 0 };
  }

  reset(): void {
    this.counts = StatementCounter.zero();
    this.recorded = [];
  }

  note(sql: string): void {
    if (this.recording) this.recorded.push(sql);
    const { kind, writesState } = classify(sql);
    if (writesState && !this.stepWriting) this.foreignStateWrites++;
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
