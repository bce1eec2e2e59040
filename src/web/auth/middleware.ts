/** Puts the current user on c.var, and keeps anonymous requests out of the pages that need a user. */
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from './env.ts';
import type { AuthProvider } from './provider.ts';

export const DEFAULT_LOGIN_URL = '/accounts/login';

/** Sets `c.var.user` (and `c.var.session`) for every request; anonymous requests get null. */
export function authMiddleware(provider: AuthProvider): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set('session', null);
    c.set('user', await provider.currentUser(c));
    await next();
  };
}

/** The login page URL that brings the user back to `path` afterwards. */
export function loginUrlFor(path: string, loginUrl: string = DEFAULT_LOGIN_URL): string {
  return `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}next=${encodeURIComponent(path)}`;
}

/**
 * Lets signed-in users through. An anonymous GET is redirected to the login
 * page (coming back afterwards); any other anonymous request gets 401, as
 * replaying a POST after a login is not something to do silently.
 */
export function requireUser(options: { loginUrl?: string } = {}): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    if (c.var.user) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const url = new URL(c.req.url);
      return c.redirect(loginUrlFor(url.pathname + url.search, options.loginUrl), 302);
    }
    return c.text('Authentication required: sign in and try again.', 401);
  };
}
