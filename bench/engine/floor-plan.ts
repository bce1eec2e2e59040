/**
 * The floor: the rows Flowlane writes for one process of each flow, as
 * hand-written statements, one multi-row statement per table per
 * transaction, in the transactions Flowlane uses (one per outside event).
 * No reads: the floor knows every id and value in advance, which is the
 * least any engine storing these rows could send.
 */
import type { FlowName } from '../flows.ts';

export interface Statement {
  /** With `?` placeholders; drivers renumber them for PostgreSQL. */
  sql: string;
  params: unknown[];
}
export type Transaction = Statement[];

const TASK_COLUMNS =
  'id, process_id, flow_task, task_type, status, created, assigned, started, finished, scheduled, token, external_task_id, owner_id, owner_permission, data, comments, previous';
const PROCESS_COLUMNS = 'id, flow, status, created, finished, data, parent_task_id, artifact_type, artifact_id, seed_type, seed_id, version';

const tuples = (rows: number, columns: number) =>
  Array.from({ length: rows }, () => `(${Array.from({ length: columns }, () => '?').join(', ')})`).join(', ');

interface TaskSpec {
  id: number;
  node: string;
  type: string;
  status: string;
  started?: number | null;
  finished?: number | null;
  token?: string;
  data?: string;
  /** Ids of the tasks that led to it, joined by commas. */
  previous?: string;
}

function insertTasks(processId: number, flow: string, now: number, tasks: TaskSpec[]): Statement {
  const params = tasks.flatMap((t) => [
    t.id, processId, `${flow}.${t.node}`, t.type, t.status, now, null, t.started ?? null, t.finished ?? null, null,
    t.token ?? 'start', null, null, null, t.data ?? '{}', null, t.previous ?? null,
  ]);
  return { sql: `insert into flowlane_task (${TASK_COLUMNS}) values ${tuples(tasks.length, 17)}`, params };
}

function insertProcess(id: number, flow: string, now: number, data: string): Statement {
  return {
    sql: `insert into flowlane_process (${PROCESS_COLUMNS}) values ${tuples(1, 12)}`,
    params: [id, flow, 'NEW', now, null, data, null, null, null, null, null, 0],
  };
}

// Every step bumps the process's version (Flowlane's optimistic check on the process row).
const finishProcess = (id: number, now: number, version: number, data?: string): Statement =>
  data === undefined
    ? { sql: 'update flowlane_process set status = ?, finished = ?, version = ? where id = ?', params: ['DONE', now, version, id] }
    : { sql: 'update flowlane_process set status = ?, finished = ?, data = ?, version = ? where id = ?', params: ['DONE', now, data, version, id] };

const bumpProcess = (id: number, version: number): Statement => ({ sql: 'update flowlane_process set version = ? where id = ?', params: [version, id] });

const finishHandle = (id: number, now: number): Statement => ({
  sql: 'update flowlane_task set status = ?, started = ?, finished = ? where id = ?',
  params: ['DONE', now, now, id],
});

/** Ids a process needs: the process and each of its tasks. */
export const IDS_PER_PROCESS: Record<FlowName, number> = { hello: 6, splitjoin: 8 };

/** The transactions for one process whose ids start at `first`. */
export function plan(flow: FlowName, first: number, now: number): Transaction[] {
  const p = first;
  if (flow === 'hello') {
    const label = 'hello-world';
    const [start, approve, check, send, end] = [p + 1, p + 2, p + 3, p + 4, p + 5];
    return [
      [
        insertProcess(p, label, now, '{"text":"Hello, world","approved":false,"sent":0}'),
        insertTasks(p, label, now, [
          { id: start, node: 'start', type: 'START', status: 'DONE', finished: now },
          { id: approve, node: 'approve', type: 'HANDLE', status: 'NEW', previous: `${start}` },
        ]),
      ],
      [
        insertTasks(p, label, now, [
          { id: check, node: 'check', type: 'GATE', status: 'DONE', finished: now, previous: `${approve}` },
          { id: send, node: 'send', type: 'FUNCTION', status: 'DONE', finished: now, previous: `${check}` },
          { id: end, node: 'end', type: 'END', status: 'DONE', finished: now, previous: `${send}` },
        ]),
        finishHandle(approve, now),
        finishProcess(p, now, 1, '{"text":"Hello, world","approved":true,"sent":1}'),
      ],
    ];
  }
  const label = 'split-join';
  const [start, split, a, b, c, join, end] = [p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7];
  return [
    [
      insertProcess(p, label, now, '{}'),
      insertTasks(p, label, now, [
        { id: start, node: 'start', type: 'START', status: 'DONE', finished: now },
        { id: split, node: 'split', type: 'GATE', status: 'DONE', finished: now, previous: `${start}` },
        { id: a, node: 'a', type: 'HANDLE', status: 'NEW', token: `start/${split}_1`, previous: `${split}` },
        { id: b, node: 'b', type: 'HANDLE', status: 'NEW', token: `start/${split}_2`, previous: `${split}` },
        { id: c, node: 'c', type: 'HANDLE', status: 'NEW', token: `start/${split}_3`, previous: `${split}` },
      ]),
    ],
    [
      insertTasks(p, label, now, [
        { id: join, node: 'join', type: 'GATE', status: 'STARTED', started: now, data: `{"splitTaskId":${split}}`, previous: `${a}` },
      ]),
      finishHandle(a, now),
      bumpProcess(p, 1),
    ],
    [
      // b done, and the join gains b as a previous task, in one statement.
      {
        sql:
          'update flowlane_task set status = case when id = ? then ? else status end, started = case when id = ? then ? else started end, ' +
          'finished = case when id = ? then ? else finished end, previous = case when id = ? then ? else previous end where id in (?, ?)',
        params: [b, 'DONE', b, now, b, now, join, `${a},${b}`, b, join],
      },
      bumpProcess(p, 2),
    ],
    [
      insertTasks(p, label, now, [{ id: end, node: 'end', type: 'END', status: 'DONE', finished: now, previous: `${join}` }]),
      // c (started now) and the join (started earlier, gains c) in one statement.
      {
        sql:
          'update flowlane_task set status = ?, finished = ?, started = case when id = ? then ? else started end, ' +
          'previous = case when id = ? then ? else previous end where id in (?, ?)',
        params: ['DONE', now, c, now, join, `${a},${b},${c}`, c, join],
      },
      finishProcess(p, now, 3),
    ],
  ];
}
