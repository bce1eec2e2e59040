/**
 * Query plans of what a read sent: each statement a read sends is recorded
 * (by a Kysely plugin that keeps the operation nodes) and then EXPLAINed
 * with its own parameters. A plan that scans the whole task table is flagged.
 */
import { CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode, type QueryId, type PluginTransformResultArgs, type QueryResult, type UnknownRow } from 'kysely';
import type { Database } from '../../src/store/schema.ts';

export interface Plan {
  sql: string;
  plan: string;
  /** The plan reads the task table wholesale (see isFullTaskScan). */
  fullTaskScan: boolean;
}

/**
 * Keeps the operation nodes of the queries run through it while `on`.
 * Kysely also hands a plugin the subqueries of a statement (a page's ids
 * inside the statement that joins them to their rows): a node is kept only
 * once its query has run, so each statement is recorded once.
 */
export class Recorder implements KyselyPlugin {
  on = false;
  nodes: Array<{ node: RootOperationNode; queryId: QueryId }> = [];
  private readonly seen = new Map<QueryId, RootOperationNode>();
  transformQuery(args: { node: RootOperationNode; queryId: QueryId }): RootOperationNode {
    if (this.on) this.seen.set(args.queryId, args.node);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const node = this.seen.get(args.queryId);
    if (node) this.nodes.push({ node, queryId: args.queryId });
    this.seen.delete(args.queryId);
    return args.result;
  }
}

/** Aliases the statement gives flowlane_task ("flowlane_task" itself included). */
function taskAliases(sql: string): string[] {
  const aliases = ['flowlane_task'];
  for (const m of sql.matchAll(/"?flowlane_task"?\s+as\s+"?(\w+)"?/gi)) aliases.push(m[1]!);
  return aliases;
}

/**
 * Whether a plan reads the task table wholesale: on SQLite any SCAN of it
 * (SEARCH is a lookup); on PostgreSQL a sequential scan, or any scan node
 * on it that visits (returns plus filters away) a tenth of its rows or more.
 */
function isFullTaskScan(kind: 'sqlite' | 'postgres', sql: string, plan: string, taskRows: number): boolean {
  const aliases = taskAliases(sql);
  const lines = plan.split('\n');
  for (const [i, line] of lines.entries()) {
    if (kind === 'sqlite') {
      const m = /\bSCAN (\w+)/.exec(line);
      if (m && aliases.includes(m[1]!)) return true;
      continue;
    }
    if (/Seq Scan on flowlane_task\b/.test(line)) return true;
    const scan = /Scan (?:Backward )?(?:using \w+ )?on flowlane_task\b.*rows=(\d+) loops=(\d+)/.exec(line);
    if (!scan) continue;
    const indent = line.search(/\S/);
    let removed = 0;
    for (const next of lines.slice(i + 1)) {
      if (next.search(/\S/) <= indent || next.includes('->')) break;
      removed += Number(/Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(next)?.[1] ?? 0);
    }
    const visited = (Number(scan[1]) + removed) * Number(scan[2]);
    if (visited >= taskRows / 10) return true;
  }
  return false;
}

export async function explain(kind: 'sqlite' | 'postgres', db: Kysely<Database>, recorded: Recorder['nodes'], taskRows: number): Promise<Plan[]> {
  const executor = db.getExecutor();
  const plans: Plan[] = [];
  for (const { node, queryId } of recorded) {
    const compiled = executor.compileQuery(node, queryId);
    const prefix = kind === 'postgres' ? 'explain (analyze, buffers, costs off) ' : 'explain query plan ';
    const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
    const plan =
      kind === 'postgres'
        ? result.rows.map((r) => String(r['QUERY PLAN'])).join('\n')
        : sqlitePlanTree(result.rows as Array<{ id: number; parent: number; detail: string }>);
    plans.push({ sql: compiled.sql, plan, fullTaskScan: isFullTaskScan(kind, compiled.sql, plan, taskRows) });
  }
  return plans;
}

/** SQLite's EXPLAIN QUERY PLAN rows, indented as the sqlite3 shell shows them. */
function sqlitePlanTree(rows: Array<{ id: number; parent: number; detail: string }>): string {
  const depth = new Map<number, number>([[0, -1]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    })
    .join('\n');
}
