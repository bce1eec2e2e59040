/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The default form page of start and task views: what the task is about, then the form. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { Node } from '../../flow/nodes.ts';
import type { ProcessState, TaskState } from '../../engine/model.ts';
import type { FieldSpec } from '../forms/fields.ts';
import type { FormState } from '../forms/read.ts';
import { FormFields } from '../forms/form-fields.tsx';
import { Page } from '../page.tsx';
import { DataList } from '../ui/data-list.tsx';
import { taskSummary } from '../ui/format.ts';

export interface FormPageProps {
  /** The request (a StartEnv or TaskEnv context). */
  c: Context<any>;
  title: string;
  flow: FlowSpec;
  node: Node;
  /** Absent on a start form. */
  process?: ProcessState;
  task?: TaskState;
  fields: FieldSpec[];
  state: FormState;
  submitLabel: string;
  cancelUrl: string;
}

export function FormPage({ c, title, flow, node, process, task, fields, state, submitLabel, cancelUrl }: FormPageProps) {
  const summary = process && task ? taskSummary(flow, process, task) : '';
  const names = fields.map((f) => f.name);
  const item = task?.data.item;
  return (
    <Page c={c} title={title}>
      {node.annotation.description ? <p class="fl-lead">{node.annotation.description}</p> : ''}
      {summary ? <p class="fl-summary">{summary}</p> : ''}
      {item !== undefined ? (
        <section class="fl-panel" aria-label="Item">
          <h2>Item</h2>
          {typeof item === 'object' && item !== null ? <DataList data={item as Record<string, unknown>} /> : <p>{String(item)}</p>}
        </section>
      ) : (
        ''
      )}
      {process ? (
        <section class="fl-panel" aria-label="Process data">
          <h2>
            {flow.title} #{process.id}
          </h2>
          <DataList data={process.data} schema={flow.schema} omit={names} />
        </section>
      ) : (
        ''
      )}
      <div class="fl-panel">
        {/* No action: the form posts back to this URL. The browser checks the
            inputs' limits (required, min, max, maxlength) first; the server
            checks everything again. */}
        <form method="post" class="fl-form">
          <input type="hidden" name="_csrf" value={c.var.csrfToken} />
          <FormFields fields={fields} state={state} />
          <div class="fl-buttons">
            <button type="submit">{submitLabel}</button>
            <a class="fl-button fl-button-secondary" href={cancelUrl}>
              Cancel
            </a>
          </div>
        </form>
      </div>
    </Page>
  );
}
