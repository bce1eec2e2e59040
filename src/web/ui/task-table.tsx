/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Tasks as a table: inbox, queue, archive and the dashboard's "who works on what". */
import type { Context } from 'hono';
import type { WebEnv } from '../env.ts';
import type { TaskRow } from '../queries.ts';
import { taskResult, taskSummary } from './format.ts';
import { TaskStatusBadge, Time } from './status.tsx';

export type TaskColumn = 'flow' | 'owner' | 'status' | 'created' | 'finished' | 'assign' | 'open';

export function TaskTable({ c, rows, columns, names, empty }: { c: Context<any>; rows: TaskRow[]; columns: TaskColumn[]; names?: ReadonlyMap<number, string>; empty: string }) {
  const { urls, engine } = (c as Context<WebEnv>).var.flowlane;
  const csrf = (c as Context<WebEnv>).var.csrfToken;
  if (rows.length === 0) return <p class="fl-empty">{empty}</p>;
  const has = (column: TaskColumn) => columns.includes(column);
  return (
    <div class="fl-table-wrap">
      <table class="fl-tasks">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Process</th>
            {has('flow') ? <th scope="col">Flow</th> : ''}
            {has('owner') ? <th scope="col">Owner</th> : ''}
            {has('status') ? <th scope="col">Status</th> : ''}
            {has('created') ? <th scope="col">Created</th> : ''}
            {has('finished') ? <th scope="col">Finished</th> : ''}
            {has('assign') || has('open') ? <th scope="col"><span class="fl-visually-hidden">Action</span></th> : ''}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ task, process }) => {
            const flow = engine.flow(process.flow);
            const node = flow.node(task.node);
            const note = task.status === 'DONE' ? taskResult(flow, process, task) || taskSummary(flow, process, task) : taskSummary(flow, process, task);
            return (
              <tr>
                <td>
                  <a href={urls.task(flow.label, task)}>
                    {node.title} #{task.id}
                  </a>
                  {note ? (
                    <div class="fl-hint fl-note fl-freetext" title={note}>
                      {note}
                    </div>
                  ) : (
                    ''
                  )}
                </td>
                <td>
                  <a href={urls.process(flow.label, process.id)}>#{process.id}</a>
                </td>
                {has('flow') ? <td>{flow.title}</td> : ''}
                {has('owner') ? <td>{task.ownerId === null ? '' : (names?.get(task.ownerId) ?? `#${task.ownerId}`)}</td> : ''}
                {has('status') ? (
                  <td>
                    <TaskStatusBadge status={task.status} kind={node.kind} />
                  </td>
                ) : (
                  ''
                )}
                {has('created') ? (
                  <td>
                    <Time ms={task.created} />
                  </td>
                ) : (
                  ''
                )}
                {has('finished') ? (
                  <td>
                    <Time ms={task.finished} />
                  </td>
                ) : (
                  ''
                )}
                {has('assign') ? (
                  <td>
                    <form method="post" action={urls.action(flow.label, task, 'assign')} class="fl-inline">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button type="submit">
                        Assign to me
                        <span class="fl-visually-hidden">
                          : {node.title} #{task.id}
                        </span>
                      </button>
                    </form>
                  </td>
                ) : has('open') ? (
                  <td>
                    <a class="fl-button" href={urls.action(flow.label, task, 'execute')}>
                      Open<span class="fl-visually-hidden">: {node.title} #{task.id}</span>
                    </a>
                  </td>
                ) : (
                  ''
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
