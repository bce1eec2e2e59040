/**
 * The views a flow's human nodes take:
 *
 *   start = flow.Start(views.createProcess({ fields: ['text'] }))
 *   approve = flow.View(views.updateProcess({ fields: ['approved'] }))
 *   review = flow.View(views.updateTask({ schema: Verdict, fields: ['verdict'] }))
 *
 * Creating a view has no side effects, so flows load in engine-only code
 * and tests. A custom view is a plain Hono handler (or a class with get and
 * post methods) that the viewset wraps with taskView / startView.
 */
import { CreateProcessView, UpdateProcessView, UpdateTaskView, type FormViewOptions, type TaskFormOptions } from './form-views.tsx';

export const views = {
  /** Start form: the listed fields of the flow's data schema. */
  createProcess: (options: FormViewOptions) => new CreateProcessView(options),
  /** Task form: the listed fields of the flow's data schema, merged into the process data. */
  updateProcess: (options: FormViewOptions) => new UpdateProcessView(options),
  /** Task form over a schema of its own, stored in the task's data (e.g. one verdict per reviewed item). */
  updateTask: (options: TaskFormOptions) => new UpdateTaskView(options),
};

export { CreateProcessView, UpdateProcessView, UpdateTaskView, type FormViewOptions, type TaskFormOptions };
