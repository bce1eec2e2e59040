/**
 * CSRF protection: every unsafe request (POST, PUT, PATCH, DELETE) must
 * send back a token the server gave it, as the form field `_csrf` or the
 * header `x-csrf-token`. Signed-in requests use their session's token;
 * anonymous ones (the login form) a random token in the `flowlane_csrf`
 * cookie (double submit). Install after authMiddleware(), which finds the
 * session.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AuthEnv } from './env.ts';
import { cookieOptions } from './cookies.ts';
import { randomToken } from './sessions.ts';

export const CSRF_COOKIE = 'flowlane_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

async function submittedToken(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  try {
    // Hono caches the parsed body, so the handler can still read the form.
    const field = (await c.req.parseBody())[CSRF_FIELD];
    return typeof field === 'string' ? field : undefined;
  } catch {
    return undefined; // a malformed body carries no token
  }
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const CSRF_REFUSAL = 'CSRF token missing or invalid. Reload the page and submit the form again.';

export interface CsrfOptions {
  /** The answer to a request without a valid token; default: CSRF_REFUSAL as text, status 403. */
  refuse?: (c: Context) => Response | Promise<Response>;
}

export function csrfProtection(options: CsrfOptions = {}): MiddlewareHandler<AuthEnv> {
  const refuse = options.refuse ?? ((c: Context) => c.text(CSRF_REFUSAL, 403));
  return async (c, next) => {
    let expected = c.var.session?.csrfToken ?? getCookie(c, CSRF_COOKIE);
    if (!SAFE_METHODS.has(c.req.method)) {
      const submitted = await submittedToken(c);
      if (!expected || !submitted || !sameToken(submitted, expected)) return refuse(c);
    }
    if (!expected) {
      expected = randomToken();
      setCookie(c, CSRF_COOKIE, expected, cookieOptions(c));
    }
    c.set('csrfToken', expected);
    await next();
  };
}

/** The token to put in a form's hidden `_csrf` field (or a request's x-csrf-token header). */
export function csrfToken(c: Context): string {
  const token = (c as Context<AuthEnv>).var.csrfToken;
  if (!token) throw new Error('csrfToken(c): install csrfProtection() before the routes that render forms');
  return token;
}
