/** The app the HTTP tests drive: Flowlane's auth stack in its documented order, plus two pages that need a user. */
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema.ts';
import { flash, flashMessages } from '../../../src/web/flash.ts';
import { Layout, layoutProps } from '../../../src/web/layout.tsx';
import { staticRoutes } from '../../../src/web/static.ts';
import type { AuthEnv } from '../../../src/web/auth/env.ts';
import { databaseAuth } from '../../../src/web/auth/provider.ts';
import { authMiddleware, requireUser } from '../../../src/web/auth/middleware.ts';
import { csrfProtection } from '../../../src/web/auth/csrf.ts';
import { authRoutes } from '../../../src/web/auth/routes.tsx';
import { LoginRateLimiter } from '../../../src/web/auth/rate-limit.ts';
import type { SessionOptions } from '../../../src/web/auth/sessions.ts';

export const TEST_SECRET = 'test secret, at least thirty-two characters long';

export function testApp(db: Kysely<Database>, options: { sessions?: SessionOptions; rateLimiter?: LoginRateLimiter } = {}) {
  const provider = databaseAuth(db, options.sessions);
  const app = new Hono<AuthEnv>();
  app.use(flashMessages({ secret: TEST_SECRET }));
  app.use(authMiddleware(provider));
  app.use(csrfProtection());
  app.route('/', staticRoutes());
  app.route('/', authRoutes({ provider, defaultRedirect: '/inbox', rateLimiter: options.rateLimiter }));
  app.get('/inbox', requireUser(), (c) =>
    c.html(
      <Layout title="Inbox" nav={[{ href: '/inbox', label: 'Inbox', count: 3, current: true }, { href: '/queue', label: 'Queue' }]} {...layoutProps(c)}>
        <p>Tasks of {c.var.user!.username}</p>
      </Layout>,
    ),
  );
  app.post('/tasks/1/assign', requireUser(), (c) => {
    flash(c, 'success', 'Task 1 assigned to you.');
    return c.redirect('/inbox', 303);
  });
  return { app, provider };
}
