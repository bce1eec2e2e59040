/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Task detail: what the task is, who has it, what happened when, and what the user may do with it. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { Node } from '../../flow/nodes.ts';
import type { ProcessState, TaskState } from '../../engine/model.ts';
import type { WebAction, WebEnv } from '../env.ts';
import { Page } from '../page.tsx';
import { DataList } from '../ui/data-list.tsx';
import { taskResult, taskSummary } from '../ui/format.ts';
import { ProcessStatusBadge, TaskStatusBadge, Time } from '../ui/status.tsx';
import { TaskActions } from '../ui/task-actions.tsx';

export interface TaskPageProps {
  c: Context<any>;
  flow: FlowSpec;
  node: Node;
  process: ProcessState;
  task: TaskState;
  actions: readonly WebAction[];
  /** The owner's name, when the task has one. */
  owner?: string;
  /** Why the user may do nothing with the task now, in words (when `actions` is empty). */
  reason?: string;
}

export function TaskPage({ c, flow, node, process, task, actions, owner, reason }: TaskPageProps) {
  const { urls } = (c as Context<WebEnv>).var.flowlane;
  const { error, ...data } = task.data as { error?: { message: string }; [key: string]: unknown };
  const summary = taskSummary(flow, process, task);
  const result = taskResult(flow, process, task);
  return (
    <Page c={c} title={`${node.title} #${task.id}`}>
      {summary ? <p class="fl-summary">{summary}</p> : ''}
      <div class="fl-panel">
        <dl class="fl-data">
          <dt>Process</dt>
          <dd>
            <a href={urls.process(flow.label, process.id)}>
              {flow.title} #{process.id}
            </a>{' '}
            <ProcessStatusBadge status={process.status} />
          </dd>
          <dt>Status</dt>
          <dd>
            <TaskStatusBadge status={task.status} kind={node.kind} />
          </dd>
          <dt>Owner</dt>
          <dd>{owner ?? (task.ownerId === null ? 'Nobody yet' : `User #${task.ownerId}`)}</dd>
          <dt>Created</dt>
          <dd>
            <Time ms={task.created} />
          </dd>
          {task.assigned ? (
            <>
              <dt>Assigned</dt>
              <dd>
                <Time ms={task.assigned} />
              </dd>
            </>
          ) : (
            ''
          )}
          {task.finished ? (
            <>
              <dt>Finished</dt>
              <dd>
                <Time ms={task.finished} />
              </dd>
            </>
          ) : (
            ''
          )}
          {result ? (
            <>
              <dt>Result</dt>
              <dd>{result}</dd>
            </>
          ) : (
            ''
          )}
        </dl>
        {error ? (
          <p class="fl-error" role="alert">
            Failed: {error.message}
          </p>
        ) : (
          ''
        )}
        {actions.length ? (
          <TaskActions c={c} flow={flow} task={task} actions={actions} />
        ) : (
          <p class="fl-reason">
            <strong>Nothing for you to do here now.</strong> {reason ?? ''}
          </p>
        )}
      </div>
      {Object.keys(data).length ? (
        <section class="fl-panel" aria-label="Task data">
          <h2>Task data</h2>
          <DataList data={data} />
        </section>
      ) : (
        ''
      )}
      <section class="fl-panel" aria-label="Process data">
        <h2>Process data</h2>
        <DataList data={process.data} schema={flow.schema} />
      </section>
    </Page>
  );
}
