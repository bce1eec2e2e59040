/**
 * The page templates a flow may replace. Pass your own per flow to its
 * viewset (`{ flow: ShipmentFlow, templates: { form: MyForm } }`) or per
 * node to its view (`views.updateProcess({ fields, template: MyForm })`);
 * a template is a JSX component taking the default page's props.
 */
import type { FC } from 'hono/jsx';
import { FormPage, type FormPageProps } from './pages/form.tsx';
import { TaskPage, type TaskPageProps } from './pages/task.tsx';
import { ProcessPage, type ProcessPageProps } from './pages/process.tsx';

export interface Templates {
  form: FC<FormPageProps>;
  task: FC<TaskPageProps>;
  process: FC<ProcessPageProps>;
}

export const defaultTemplates: Templates = { form: FormPage, task: TaskPage, process: ProcessPage };
