/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The buttons for what the user may do with a task now: one small form per
 * action, so every button works without JavaScript. The server checks each
 * again when it is posted.
 */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { WebAction, WebEnv } from '../env.ts';
import type { TaskRef } from '../urls.ts';

const LABELS: Record<Exclude<WebAction, 'execute' | 'reassign'>, string> = {
  assign: 'Assign to me',
  unassign: 'Unassign',
  cancel: 'Cancel task',
  undo: 'Undo',
  revive: 'Revive',
};

export function TaskActions({ c, flow, task, actions }: { c: Context<any>; flow: FlowSpec; task: TaskRef; actions: readonly WebAction[] }) {
  const { urls } = (c as Context<WebEnv>).var.flowlane;
  const csrf = (c as Context<WebEnv>).var.csrfToken;
  const url = (action: WebAction) => urls.action(flow.label, task, action);
  return (
    <div class="fl-actions">
      {actions.includes('execute') ? (
        <a class="fl-button" href={url('execute')}>
          Open task
        </a>
      ) : (
        ''
      )}
      {(Object.keys(LABELS) as Array<keyof typeof LABELS>)
        .filter((action) => actions.includes(action))
        .map((action) => (
          <form method="post" action={url(action)} class="fl-inline">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit" class={action === 'assign' ? '' : 'fl-button-secondary'}>
              {LABELS[action]}
            </button>
          </form>
        ))}
      {actions.includes('reassign') ? (
        <form method="post" action={url('reassign')} class="fl-inline">
          <input type="hidden" name="_csrf" value={csrf} />
          <label>
            Reassign to <input name="username" required size={12} autocomplete="off" />
          </label>{' '}
          <button type="submit" class="fl-button-secondary">
            Reassign
          </button>
        </form>
      ) : (
        ''
      )}
    </div>
  );
}
