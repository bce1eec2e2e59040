/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The confirmation step of a destructive action (undo, cancel a task,
 * cancel a process): what will happen, a button that posts the action
 * with `confirm=yes`, and a way back. The action's POST without that field
 * leads here instead of acting, so one stray click changes nothing. Plain
 * HTML: it works without JavaScript.
 */
import type { Context } from 'hono';
import type { WebEnv } from '../env.ts';
import { Page } from '../page.tsx';

export interface ConfirmPageProps {
  c: Context<any>;
  title: string;
  /** What the action will do, a sentence or two each. */
  consequences: string[];
  /** Where the form posts. */
  action: string;
  confirmLabel: string;
  /** Where "keep it" leads: the task or process page. */
  backUrl: string;
  backLabel?: string;
}

/** The form field (and value) that says the user confirmed. */
export const CONFIRM_FIELD = 'confirm';
export const CONFIRM_VALUE = 'yes';

export function ConfirmPage({ c, title, consequences, action, confirmLabel, backUrl, backLabel = 'No, keep it' }: ConfirmPageProps) {
  const csrf = (c as Context<WebEnv>).var.csrfToken;
  return (
    <Page c={c} title={title}>
      <div class="fl-panel fl-confirm">
        {consequences.map((text) => (
          <p>{text}</p>
        ))}
        <form method="post" action={action} class="fl-buttons">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name={CONFIRM_FIELD} value={CONFIRM_VALUE} />
          <button type="submit" class="fl-button-danger fl-button-danger-solid">
            {confirmLabel}
          </button>
          <a class="fl-button fl-button-secondary" href={backUrl}>
            {backLabel}
          </a>
        </form>
      </div>
    </Page>
  );
}

/** Whether a posted form carries the confirmation. */
export async function confirmed(c: Context): Promise<boolean> {
  const body = await c.req.parseBody();
  return body[CONFIRM_FIELD] === CONFIRM_VALUE;
}
