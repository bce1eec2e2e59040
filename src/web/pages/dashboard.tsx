/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A flow's dashboard: processes by status, open tasks per step, who works on what, the latest processes. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { WebEnv } from '../env.ts';
import { dashboard, processes } from '../queries.ts';
import { Page } from '../page.tsx';
import { requireFlowView } from '../visibility.ts';
import { StartButtons } from '../ui/start-buttons.tsx';
import { TaskTable } from '../ui/task-table.tsx';
import { processStatusLabel, processStatusParam, TaskStatusBadge } from '../ui/status.tsx';
import { ProcessTable } from './processes.tsx';

const PROCESS_STATUSES = ['NEW', 'DONE', 'CANCELED'] as const;

export function dashboardPage(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    requireFlowView(flow, c.var.user!);
    const { engine, urls, users } = c.var.flowlane;
    const db = engine.database.db;
    const [board, latest] = await Promise.all([dashboard(db, flow), processes(db, flow, {}, 1, 10)]);
    const names = await users.names(board.working.map((r) => r.task.ownerId!));
    return c.html(
      <Page c={c} title={flow.title}>
        {flow.description ? <p class="fl-lead">{flow.description}</p> : ''}
        <StartButtons c={c} flow={flow} />
        <section aria-label="Processes by status">
          <h2>Processes</h2>
          <ul class="fl-counts">
            {PROCESS_STATUSES.map((status) => (
              <li>
                <a href={urls.processes(flow.label, new URLSearchParams({ status: processStatusParam(status) }))}>
                  <strong>{board.processesByStatus[status] ?? 0}</strong> {processStatusLabel(status)}
                </a>
              </li>
            ))}
          </ul>
        </section>
        <section aria-label="Open tasks">
          <h2>Open tasks</h2>
          {board.activeTasks.length === 0 ? (
            <p class="fl-empty">No open tasks.</p>
          ) : (
            <div class="fl-table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Status</th>
                    <th scope="col">Tasks</th>
                  </tr>
                </thead>
                <tbody>
                  {board.activeTasks.map((row) => (
                    <tr>
                      <td>{flow.node(row.node).title}</td>
                      <td>
                        <TaskStatusBadge status={row.status} kind={flow.node(row.node).kind} />
                      </td>
                      <td>{row.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section aria-label="Who works on what">
          <h2>Who works on what</h2>
          <TaskTable c={c} rows={board.working} columns={['owner', 'status']} names={names} empty="Nobody is working on a task." />
        </section>
        <section aria-label="Latest processes">
          <h2>Latest processes</h2>
          <ProcessTable c={c} flow={flow} rows={latest.rows} />
          <p>
            <a href={urls.processes(flow.label)}>All processes ({latest.total})</a>
          </p>
        </section>
      </Page>,
    );
  };
}
