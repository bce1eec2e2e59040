/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Inbox (my unfinished tasks), queue (tasks I may take) and archive (tasks I finished). */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { WebEnv } from '../env.ts';
import { archive, inbox, queue, type Page as Rows, type TaskRow } from '../queries.ts';
import { Page } from '../page.tsx';
import { Pager, pageParam } from '../ui/pager.tsx';
import { TaskTable, type TaskColumn } from '../ui/task-table.tsx';

type ListQuery = typeof inbox;

const LISTS: Record<'inbox' | 'queue' | 'archive', { title: string; query: ListQuery; columns: TaskColumn[]; empty: string }> = {
  inbox: { title: 'Inbox', query: inbox, columns: ['status', 'created', 'open'], empty: 'No tasks assigned to you. Take one from the queue.' },
  queue: { title: 'Queue', query: queue, columns: ['created', 'assign'], empty: 'No unassigned tasks you may take.' },
  archive: { title: 'Archive', query: archive, columns: ['finished'], empty: 'You have not finished any task yet.' },
};

/** A list page over `flows` (all of the viewset's, or one flow's). */
export function listPage(list: keyof typeof LISTS, flows?: (c: Context<WebEnv>) => readonly FlowSpec[]) {
  const { title, query, columns, empty } = LISTS[list];
  return async (c: Context<WebEnv>) => {
    const { engine, pageSize } = c.var.flowlane;
    const scope = flows?.(c) ?? c.var.flowlane.flows;
    const page = pageParam(c.req.query('page'));
    const rows: Rows<TaskRow> = await query(engine.database.db, scope, c.var.user!, page, pageSize);
    const shown: TaskColumn[] = scope.length > 1 ? ['flow', ...columns] : columns;
    const heading = scope.length === 1 && c.var.flowlane.flows.length > 1 ? `${title}: ${scope[0]!.title}` : title;
    return c.html(
      <Page c={c} title={heading}>
        <TaskTable c={c} rows={rows.rows} columns={shown} empty={empty} />
        <Pager path={new URL(c.req.url).pathname} page={rows.page} pageSize={rows.pageSize} total={rows.total} />
      </Page>,
    );
  };
}
