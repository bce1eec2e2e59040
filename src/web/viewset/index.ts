/**
 * Viewsets: Hono apps serving flows under a mount point.
 *
 * - workflowViewset: several flows with one shared inbox, queue and
 *   archive, a start page, and each flow's pages under /<flow label>.
 * - flowViewset: one flow; its own inbox, queue and archive are the lists.
 *
 * They need, before them, the flash, auth and CSRF middleware (createWebApp
 * installs them); `c.var.user` must be a signed-in user.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { Engine } from '../../engine/engine.ts';
import type { FlowClass } from '../../flow/flow.ts';
import type { FlowSpec } from '../../flow/build.ts';
import type { WebContext, WebEnv } from '../env.ts';
import { Urls } from '../urls.ts';
import { databaseUsers, type UserDirectory } from '../users.ts';
import { defaultTemplates, type Templates } from '../templates.ts';
import { listPage } from '../pages/lists.tsx';
import { homePage } from '../pages/home.tsx';
import { flowRoutes } from './flow.ts';
import { onError } from './errors.ts';
import { notFoundPage } from '../pages/error.tsx';

/** A flow to serve, with its own templates where the defaults will not do. */
export interface ViewsetFlow {
  flow: FlowClass;
  templates?: Partial<Templates>;
}

export interface ViewsetOptions {
  engine: Engine;
  /** Where the pages live. Default "/workflow". */
  mount?: string;
  /** Names of task owners and reassign targets. Default: the flowlane_user table. */
  users?: UserDirectory;
  /** Rows per page in lists. Default 25. */
  pageSize?: number;
}

export interface WorkflowViewsetOptions extends ViewsetOptions {
  /** The flows to serve (classes, or { flow, templates }). Default: every flow the engine has. */
  flows?: Array<FlowClass | ViewsetFlow>;
}

export const DEFAULT_MOUNT = '/workflow';

function normalize(engine: Engine, flows: WorkflowViewsetOptions['flows']): Array<{ spec: FlowSpec; templates: Templates }> {
  const list = flows ?? engine.flows.map((spec) => spec.cls);
  return list.map((entry) => {
    const { flow, templates } = typeof entry === 'function' ? { flow: entry, templates: undefined } : entry;
    return { spec: engine.flow(flow), templates: { ...defaultTemplates, ...templates } };
  });
}

function viewset(options: ViewsetOptions, flows: Array<{ spec: FlowSpec; templates: Templates }>, single: boolean): Hono<WebEnv> {
  const mount = options.mount ?? DEFAULT_MOUNT;
  const byLabel = new Map(flows.map((f) => [f.spec.label, f.templates]));
  const context: WebContext = {
    engine: options.engine,
    urls: new Urls(mount, single ? flows[0]!.spec.label : undefined),
    flows: flows.map((f) => f.spec),
    users: options.users ?? databaseUsers(options.engine.database.db),
    pageSize: options.pageSize ?? 25,
    templates: (flow) => byLabel.get(flow.label) ?? defaultTemplates,
  };
  const provide: MiddlewareHandler<WebEnv> = async (c, next) => {
    c.set('flowlane', context);
    await next();
  };
  const app = new Hono<WebEnv>({ strict: false }).basePath(mount);
  app.use('*', provide);
  app.onError(onError);
  if (single) {
    app.get('/', (c) => c.redirect(context.urls.home));
  } else {
    app.get('/', homePage);
    app.get('/inbox', listPage('inbox'));
    app.get('/queue', listPage('queue'));
    app.get('/archive', listPage('archive'));
  }
  for (const { spec } of flows) app.route(`/${spec.label}`, flowRoutes(spec));
  // The mount point is Flowlane's: an unknown address under it gets the 404 page in
  // the layout (also when the viewset is routed into another app, whose notFound
  // would not see it). An application's own pages under the mount go before it.
  app.all('*', notFoundPage);
  return app;
}

export function workflowViewset(options: WorkflowViewsetOptions): Hono<WebEnv> {
  return viewset(options, normalize(options.engine, options.flows), false);
}

export function flowViewset(options: ViewsetOptions & ViewsetFlow): Hono<WebEnv> {
  return viewset(options, normalize(options.engine, [options]), true);
}

/** The flows a viewset option list names, as the engine registered them. */
export function servedFlows(engine: Engine, flows: WorkflowViewsetOptions['flows']): FlowSpec[] {
  return normalize(engine, flows).map((f) => f.spec);
}
