/**
 * The routes of one flow, relative to `/<flow label>`: dashboard, lists,
 * processes, start forms, process and task pages, task actions. Each
 * human node's view is resolved once, here, and wrapped with startView or
 * taskView.
 */
import { Hono } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import { FlowDefinitionError, NotFoundError } from '../../errors.ts';
import type { StartEnv, TaskEnv, TaskHandler, WebEnv } from '../env.ts';
import { startView } from '../start-view/index.ts';
import { taskView } from '../task-view/index.ts';
import { resolveView } from '../views/resolve.ts';
import { views } from '../views/index.ts';
import { listPage } from '../pages/lists.tsx';
import { dashboardPage } from '../pages/dashboard.tsx';
import { processesPage } from '../pages/processes.tsx';
import { cancelProcess, confirmCancelProcess, nextTask, processDetail } from '../handlers/process.tsx';
import { CONFIRMED_ACTIONS, POST_ACTIONS, confirmTaskAction, taskAction, taskDetail } from '../handlers/task.tsx';
import type { Context } from 'hono';

/** Path segments of a flow's own pages, which a start node's name must not take. */
const RESERVED = new Set(['inbox', 'queue', 'archive', 'processes']);

const PROCESS = '/:process_pk{[0-9]+}';
const TASK = `${PROCESS}/:node/:task_pk{[0-9]+}`;

export function flowRoutes(flow: FlowSpec): Hono<WebEnv> {
  const app = new Hono<WebEnv>({ strict: false });
  const only = () => [flow];
  app.get('/', dashboardPage(flow));
  app.get('/inbox', listPage('inbox', only));
  app.get('/queue', listPage('queue', only));
  app.get('/archive', listPage('archive', only));
  app.get('/processes', processesPage(flow));

  const executeViews = new Map<string, TaskHandler>();
  for (const node of flow.nodes.values()) {
    const where = `flow ${flow.label}, node "${node.name}"`;
    const view = (node as { view?: unknown }).view;
    if (node.kind === 'start') {
      if (RESERVED.has(node.name)) throw new FlowDefinitionError(`${where}: a start node may not be named "${node.name}" (that URL is taken)`);
      const handler = resolveView<Context<StartEnv>>(view ?? views.createProcess({ fields: [] }), where);
      app.on(['GET', 'POST'], `/${node.name}`, startView(flow, node, handler));
    } else if (node.kind === 'view') {
      executeViews.set(node.name, resolveView<Context<TaskEnv>>(view ?? views.updateProcess({ fields: [] }), where));
    }
  }

  app.get(`${PROCESS}`, processDetail(flow));
  app.get(`${PROCESS}/cancel`, confirmCancelProcess(flow));
  app.post(`${PROCESS}/cancel`, cancelProcess(flow));
  app.get(`${PROCESS}/next`, nextTask(flow));
  app.get(TASK, taskView(flow, taskDetail));
  app.on(
    ['GET', 'POST'],
    `${TASK}/execute`,
    taskView(flow, (c) => {
      const view = executeViews.get(c.var.flowTask.node.name);
      if (!view) throw new NotFoundError(`${c.var.flowTask.node.title} is not a task people fill in`);
      return view(c);
    }),
  );
  // Destructive actions ask first: GET shows the question, the POST acts only when confirmed.
  app.get(`${TASK}/:action{${[...CONFIRMED_ACTIONS].join('|')}}`, taskView(flow, confirmTaskAction));
  app.post(`${TASK}/:action{${POST_ACTIONS.join('|')}}`, taskView(flow, taskAction));
  return app;
}
