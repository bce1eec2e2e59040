/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The buttons for what the user may do with a task now: one small form per
 * action, so every button works without JavaScript. The server checks each
 * again when it is posted. Undo and cancel are links to their confirmation
 * page, which posts.
 */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { WebAction, WebEnv } from '../env.ts';
import type { TaskRef } from '../urls.ts';

const LABELS: Record<'assign' | 'unassign' | 'revive', string> = {
  assign: 'Assign to me',
  unassign: 'Unassign',
  revive: 'Revive',
};

/** Destructive: a link to the question first. */
const ASKING: Record<'undo' | 'cancel', string> = {
  undo: 'Undo…',
  cancel: 'Cancel task…',
};

export function TaskActions({ c, flow, task, actions }: { c: Context<any>; flow: FlowSpec; task: TaskRef; actions: readonly WebAction[] }) {
  const { urls } = (c as Context<WebEnv>).var.flowlane;
  const csrf = (c as Context<WebEnv>).var.csrfToken;
  const url = (action: WebAction) => urls.action(flow.label, task, action);
  // In a table of tasks, "Undo" alone does not say which: screen readers hear the task too.
  const which = (
    <span class="fl-visually-hidden">
      : {flow.node(task.node).title} #{task.id}
    </span>
  );
  return (
    <div class="fl-actions">
      {actions.includes('execute') ? (
        <a class="fl-button" href={url('execute')}>
          Open task
          {which}
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
              {which}
            </button>
          </form>
        ))}
      {(Object.keys(ASKING) as Array<keyof typeof ASKING>)
        .filter((action) => actions.includes(action))
        .map((action) => (
          <a class="fl-button fl-button-danger" href={url(action)}>
            {ASKING[action]}
            {which}
          </a>
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
