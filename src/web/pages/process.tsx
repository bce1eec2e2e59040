/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Process detail: its data, every task in order with who did what and when, and what the user may do. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { ProcessState, TaskInfo } from '../../engine/model.ts';
import type { WebAction, WebEnv } from '../env.ts';
import { Page } from '../page.tsx';
import { DataList } from '../ui/data-list.tsx';
import { taskResult, taskSummary } from '../ui/format.ts';
import { ProcessStatusBadge, TaskStatusBadge, Time } from '../ui/status.tsx';
import { TaskActions } from '../ui/task-actions.tsx';

export interface ProcessPageProps {
  c: Context<any>;
  flow: FlowSpec;
  process: ProcessState;
  tasks: readonly TaskInfo[];
  /** What the user may do with each task, by task id. */
  actions: ReadonlyMap<number, readonly WebAction[]>;
  /** Owner names by user id. */
  names: ReadonlyMap<number, string>;
  /** Whether to offer canceling the whole process. */
  cancelable: boolean;
}

export function ProcessPage({ c, flow, process, tasks, actions, names, cancelable }: ProcessPageProps) {
  const { urls } = (c as Context<WebEnv>).var.flowlane;
  return (
    <Page c={c} title={`${flow.title} #${process.id}`}>
      <div class="fl-panel">
        <dl class="fl-data">
          <dt>Status</dt>
          <dd>
            <ProcessStatusBadge status={process.status} />
          </dd>
          <dt>Started</dt>
          <dd>
            <Time ms={process.created} />
          </dd>
          {process.finished ? (
            <>
              <dt>{process.status === 'CANCELED' ? 'Canceled' : 'Finished'}</dt>
              <dd>
                <Time ms={process.finished} />
              </dd>
            </>
          ) : (
            ''
          )}
        </dl>
        {cancelable ? (
          // Asks first: the link leads to the confirmation, which posts.
          <a class="fl-button fl-button-danger" href={urls.cancelProcess(flow.label, process.id)}>
            Cancel process…
          </a>
        ) : (
          ''
        )}
      </div>
      <section class="fl-panel" aria-label="Process data">
        <h2>Data</h2>
        <DataList data={process.data} schema={flow.schema} />
      </section>
      <section aria-label="Tasks">
        <h2>Tasks</h2>
        <div class="fl-table-wrap">
          <table class="fl-tasks">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Task</th>
                <th scope="col">Status</th>
                <th scope="col">Owner</th>
                <th scope="col">Created</th>
                <th scope="col">Finished</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((task) => {
                const node = flow.node(task.node);
                const note = taskResult(flow, process, task) || taskSummary(flow, process, task);
                return (
                  <tr>
                    <td>{task.id}</td>
                    <td>
                      <a href={urls.task(flow.label, task)}>{node.title}</a>
                      {note ? (
                        <div class="fl-hint fl-note fl-freetext" title={note}>
                          {note}
                        </div>
                      ) : (
                        ''
                      )}
                    </td>
                    <td>
                      <TaskStatusBadge status={task.status} kind={node.kind} />
                    </td>
                    <td>{task.ownerId === null ? '' : (names.get(task.ownerId) ?? `#${task.ownerId}`)}</td>
                    <td>
                      <Time ms={task.created} />
                    </td>
                    <td>
                      <Time ms={task.finished} />
                    </td>
                    <td>
                      <TaskActions c={c} flow={flow} task={task} actions={actions.get(task.id) ?? []} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </Page>
  );
}
