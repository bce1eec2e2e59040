/** flowlane/web: views for human nodes, the workflow web app, auth. */
export { views, CreateProcessView, UpdateProcessView, UpdateTaskView, type FormViewOptions, type TaskFormOptions } from './views/index.ts';
