/**
 * The whole web UI as one Hono app: flash messages, sign-in, CSRF,
 * stylesheets, /accounts/login and /accounts/logout, and a workflow
 * viewset under the mount point. Serve it alone or hand it the requests of
 * those paths from an application's own server:
 *
 * ```ts
 * const web = await createWebApp({ engine });
 * serve({ fetch: web.fetch, port: 3000 });          // alone
 * app.route('/', web);                              // inside a Hono app
 * app.all('/workflow/*', (c) => web.fetch(c.req.raw)); // any fetch-based server
 * ```
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { flowPermissions } from '../flow/build.ts';
import type { AuthEnv } from './auth/env.ts';
import { databaseAuth, type AuthProvider, type PasswordAuthProvider } from './auth/provider.ts';
import { authMiddleware, requireUser } from './auth/middleware.ts';
import { csrfProtection } from './auth/csrf.ts';
import { authRoutes } from './auth/routes.tsx';
import { ensurePermissions } from './auth/users.ts';
import type { LoginRateLimiter } from './auth/rate-limit.ts';
import type { SessionOptions } from './auth/sessions.ts';
import { flashMessages } from './flash.ts';
import { staticRoutes } from './static.ts';
import { workflowStaticRoutes } from './ui/styles.ts';
import { DEFAULT_MOUNT, servedFlows, workflowViewset, type WorkflowViewsetOptions } from './viewset/index.ts';
import { shellErrorPage } from './pages/error.tsx';

export interface WebAppOptions extends WorkflowViewsetOptions {
  /** Who is signed in. Default: users of the flowlane_user table with
   * server-side sessions; a provider with login/logout also gets the
   * /accounts/login page. */
  auth?: AuthProvider;
  /** Sessions of the default provider. */
  sessions?: SessionOptions;
  /** Key that signs flash messages (default: FLOWLANE_SECRET); see flashMessages. */
  secret?: string;
  rateLimiter?: LoginRateLimiter;
  /** Where anonymous visitors are sent. Default /accounts/login. */
  loginUrl?: string;
}

const canLogin = (auth: AuthProvider): auth is PasswordAuthProvider => typeof auth.login === 'function' && typeof auth.logout === 'function';

/** Builds the app; first makes sure the permissions of the served flows exist. */
export async function createWebApp(options: WebAppOptions): Promise<Hono<AuthEnv>> {
  const { engine } = options;
  const db = engine.database.db;
  const mount = (options.mount ?? DEFAULT_MOUNT).replace(/\/+$/, '');
  await ensurePermissions(db, servedFlows(engine, options.flows).flatMap(flowPermissions));
  const auth = options.auth ?? databaseAuth(db, options.sessions);

  const app = new Hono<AuthEnv>({ strict: false });
  app.route('/', staticRoutes());
  app.route('/', workflowStaticRoutes());
  // Only Flowlane's own paths get its middleware, so the app can sit inside another.
  // "/x/*" also matches "/x" itself.
  const refuse = (c: Context) =>
    shellErrorPage(c, 403, 'This form has expired or did not come from this site, so nothing was done. Reload the page and submit the form again.', {
      detail: 'CSRF token missing or invalid',
    });
  for (const path of [`${mount}/*`, '/accounts/*']) {
    app.use(path, flashMessages({ secret: options.secret }), authMiddleware(auth), csrfProtection({ refuse }));
  }
  // Served alone, the app answers every address: unknown ones and failures get pages in
  // the layout too (inside another app, that app's handlers do).
  app.notFound((c) => shellErrorPage(c, 404, 'There is no page at this address.', { links: [{ href: mount || '/', label: 'Go to the start page' }] }));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    (options.engine.logger ?? console).error('flowlane web:', error);
    return shellErrorPage(c, 500, 'Something went wrong on our side. Try again; if it keeps happening, tell your administrator.', {
      links: [{ href: mount || '/', label: 'Go to the start page' }],
    });
  });
  if (canLogin(auth)) {
    app.route('/', authRoutes({ provider: auth, defaultRedirect: mount || '/', rateLimiter: options.rateLimiter }));
  }
  app.use(`${mount}/*`, requireUser({ loginUrl: options.loginUrl }));
  app.route('/', workflowViewset({ ...options, mount: mount || '/' }));
  return app;
}
