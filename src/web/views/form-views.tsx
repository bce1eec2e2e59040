/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The built-in views: forms over the flow's data schema (createProcess,
 * updateProcess) or a schema of the task's own (updateTask). GET shows the
 * form; POST validates on the server, re-renders with the errors beside
 * the fields and the entered values kept (422, nothing written), or acts
 * and redirects to the user's next task of the process.
 */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { z, type ZodType } from 'zod';
import type { FlowSpec } from '../../flow/build.ts';
import { flash } from '../flash.ts';
import type { StartEnv, TaskEnv, WebEnv } from '../env.ts';
import { describeFields, type FieldSpec } from '../forms/fields.ts';
import { rawFromData, readForm, type FormState } from '../forms/read.ts';
import type { FormPageProps } from '../pages/form.tsx';
import { requireAction } from '../task-view/index.ts';

export interface FormViewOptions {
  /** Fields of the schema the form shows, in order. */
  fields: readonly string[];
  /** Listed fields that may be left empty (all others are required, except checkboxes). */
  optional?: readonly string[];
  /** Replaces the form page for this node. */
  template?: FC<FormPageProps>;
  submitLabel?: string;
}

export interface TaskFormOptions extends FormViewOptions {
  /** Schema of what the form writes into the task's own data. */
  schema: ZodType;
}

type Body = Awaited<ReturnType<Context['req']['parseBody']>>;

/** A flow without a schema still gets forms without fields (a confirm button). */
const schemaOf = (flow: FlowSpec): ZodType => flow.schema ?? z.looseObject({});

/** Each field's default from the schema, so a new form starts with them. */
function defaults(schema: ZodType, fields: readonly FieldSpec[]): Record<string, unknown> {
  const shape = (schema as unknown as { shape: Record<string, ZodType> }).shape;
  return Object.fromEntries(
    fields.map((f) => {
      const result = shape[f.name]!.safeParse(undefined);
      return [f.name, result.success ? result.data : undefined];
    }),
  );
}

const emptyState = (raw: FormState['raw']): FormState => ({ raw, errors: {}, formErrors: [] });

abstract class FormView {
  constructor(protected readonly options: FormViewOptions) {}

  protected render(c: Context<any>, props: Omit<FormPageProps, 'c' | 'submitLabel'>, status: 200 | 422 = 200): Promise<Response> {
    const Template = this.options.template ?? (c as Context<WebEnv>).var.flowlane.templates(props.flow).form;
    const submitLabel = this.options.submitLabel ?? (props.task ? 'Complete' : 'Start');
    return Promise.resolve(c.html(<Template c={c} submitLabel={submitLabel} {...props} />, status));
  }

  protected fields(schema: ZodType): FieldSpec[] {
    return describeFields(schema, this.options.fields, this.options.optional);
  }
}

export class CreateProcessView extends FormView {
  get(c: Context<StartEnv>): Promise<Response> {
    const { flow } = c.var.flowStart;
    const schema = schemaOf(flow);
    const fields = this.fields(schema);
    return this.page(c, fields, emptyState(rawFromData(fields, defaults(schema, fields))));
  }

  async post(c: Context<StartEnv>): Promise<Response> {
    const { flow, start } = c.var.flowStart;
    const schema = schemaOf(flow);
    const fields = this.fields(schema);
    const result = readForm(schema, fields, (await c.req.parseBody()) as Body);
    if (!result.ok) return this.page(c, fields, result.state, 422);
    const process = await start(result.values);
    flash(c, 'success', `${flow.title} #${process.id} started.`);
    return c.redirect(c.var.flowlane.urls.next(flow.label, process.id), 303);
  }

  private page(c: Context<StartEnv>, fields: FieldSpec[], state: FormState, status: 200 | 422 = 200) {
    const { flow, node } = c.var.flowStart;
    return this.render(c, { title: node.annotation.title ?? `Start ${flow.title}`, flow, node, fields, state, cancelUrl: c.var.flowlane.urls.home }, status);
  }
}

/** Shared by the task forms: where the values come from and go to differs. */
abstract class TaskFormView extends FormView {
  protected abstract schema(c: Context<TaskEnv>): ZodType;
  /** Current values the form starts from. */
  protected abstract current(c: Context<TaskEnv>): Record<string, unknown>;
  /** What `readForm` merges the values into before validating. */
  protected abstract base(c: Context<TaskEnv>): Record<string, unknown>;
  protected abstract execute(c: Context<TaskEnv>, values: Record<string, unknown>): Promise<void>;

  get(c: Context<TaskEnv>): Promise<Response> {
    requireAction(c, 'execute');
    const fields = this.fields(this.schema(c));
    return this.page(c, fields, emptyState(rawFromData(fields, this.current(c))));
  }

  async post(c: Context<TaskEnv>): Promise<Response> {
    requireAction(c, 'execute');
    const schema = this.schema(c);
    const fields = this.fields(schema);
    const result = readForm(schema, fields, (await c.req.parseBody()) as Body, this.base(c));
    if (!result.ok) return this.page(c, fields, result.state, 422);
    await this.execute(c, result.values);
    const { flow, node, task, process } = c.var.flowTask;
    flash(c, 'success', `${node.title} (task #${task.id}) done.`);
    return c.redirect(c.var.flowlane.urls.next(flow.label, process.id), 303);
  }

  private page(c: Context<TaskEnv>, fields: FieldSpec[], state: FormState, status: 200 | 422 = 200) {
    const { flow, node, process, task } = c.var.flowTask;
    const cancelUrl = c.var.flowlane.urls.task(flow.label, task);
    return this.render(c, { title: node.title, flow, node, process, task, fields, state, cancelUrl }, status);
  }
}

export class UpdateProcessView extends TaskFormView {
  protected schema(c: Context<TaskEnv>) {
    return schemaOf(c.var.flowTask.flow);
  }
  protected current(c: Context<TaskEnv>) {
    return c.var.flowTask.process.data;
  }
  protected base(c: Context<TaskEnv>) {
    return c.var.flowTask.process.data;
  }
  protected execute(c: Context<TaskEnv>, values: Record<string, unknown>) {
    return c.var.taskContext!.perform('execute', { data: values });
  }
}

export class UpdateTaskView extends TaskFormView {
  constructor(private readonly taskOptions: TaskFormOptions) {
    super(taskOptions);
  }
  protected schema() {
    return this.taskOptions.schema;
  }
  protected current(c: Context<TaskEnv>) {
    return c.var.flowTask.task.data;
  }
  protected base() {
    return {};
  }
  protected execute(c: Context<TaskEnv>, values: Record<string, unknown>) {
    return c.var.taskContext!.perform('execute', { taskData: values });
  }
}
