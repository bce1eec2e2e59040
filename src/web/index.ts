/**
 * flowlane/web: the web UI of Flowlane.
 *
 * - `views`: the views human nodes take (createProcess, updateProcess, updateTask);
 * - `createWebApp`: the whole UI (auth, pages, viewsets) as one Hono app;
 * - `workflowViewset` / `flowViewset`: the pages alone, for an app with its own auth;
 * - `taskView` / `startView` / `requireAction`: the wrapper of custom views.
 */
export { views, CreateProcessView, UpdateProcessView, UpdateTaskView, type FormViewOptions, type TaskFormOptions } from './views/index.ts';
export { createWebApp, type WebAppOptions } from './app.ts';
export {
  workflowViewset,
  flowViewset,
  DEFAULT_MOUNT,
  type ViewsetFlow,
  type ViewsetOptions,
  type WorkflowViewsetOptions,
} from './viewset/index.ts';
export { taskView, requireAction, ActionDeniedError } from './task-view/index.ts';
export { errorPage, notFoundPage, type ErrorPageOptions, type PageLink } from './pages/error.tsx';
export { ConfirmPage, type ConfirmPageProps } from './pages/confirm.tsx';
export { whyNot, type TaskFacts } from './ui/explain.ts';
export { processStatusLabel, taskStatusLabel } from './ui/status.tsx';
export { plainIssueMessage } from './forms/messages.ts';
export { startView } from './start-view/index.ts';
export { readerOf } from './lookup.ts';
export { Urls, type TaskRef } from './urls.ts';
export { databaseUsers, type UserDirectory } from './users.ts';
export { defaultTemplates, type Templates } from './templates.ts';
export { Page } from './page.tsx';
export { FormPage, type FormPageProps } from './pages/form.tsx';
export type { TaskPageProps } from './pages/task.tsx';
export type { ProcessPageProps } from './pages/process.tsx';
export { FormFields } from './forms/form-fields.tsx';
export { describeFields, type FieldSpec, type Widget } from './forms/fields.ts';
export { readForm, type FormState, type FormResult } from './forms/read.ts';
export { workflowStaticRoutes } from './ui/styles.ts';
export { flash, flashMessages, takeFlash, type FlashKind, type FlashMessage, type FlashOptions } from './flash.ts';
export { Layout, layoutProps, type LayoutProps, type NavLink } from './layout.tsx';
export { staticRoutes } from './static.ts';
export * from './auth/index.ts';
export {
  WEB_ACTIONS,
  type WebAction,
  type WebContext,
  type WebEnv,
  type WebVariables,
  type TaskEnv,
  type TaskVariables,
  type TaskHandler,
  type StartEnv,
  type StartVariables,
  type StartHandler,
  type FlowTask,
  type FlowStart,
} from './env.ts';
